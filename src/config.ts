// Shared pieces for reading configurations out of trace files and CLI input:
// every validation error names the field that is wrong.
import { z } from 'zod';

export const budgetSchema = z.object({
  crashes: z.number().int().min(0),
  drops: z.number().int().min(0),
  duplicates: z.number().int().min(0),
  partitions: z.number().int().min(0),
  torn: z.number().int().min(0).optional(),
});

/** Parse with a zod schema; on failure throw an InputError naming the first bad field. */
export function parseWith<T>(schema: z.ZodType<T>, raw: unknown, where = 'config'): T {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = [where, ...issue.path.map(String)].join('.');
  throw new InputError(`${path}: ${issue.message}`);
}

/** Bad input from the user (exit code 2): a one-line message, never a stack trace. */
export class InputError extends Error {
  override name = 'InputError';
}
