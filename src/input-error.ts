// Bad input from the user (exit code 2): a one-line message, never a stack
// trace. A module of its own so the CLI can catch it without loading zod.
export class InputError extends Error {
  override name = 'InputError';
}
