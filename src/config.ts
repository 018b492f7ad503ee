// Shared pieces for reading configurations out of trace files and CLI input:
// every validation error names the field that is wrong.
import { z } from 'zod';
import { InputError } from './input-error.ts';

export { InputError };

export const budgetSchema = z.object({
  crashes: z.number().int().min(0),
  drops: z.number().int().min(0),
  duplicates: z.number().int().min(0),
  partitions: z.number().int().min(0),
});

/** Parse with a zod schema; on failure throw an InputError naming the first bad field. */
export function parseWith<T>(schema: z.ZodType<T>, raw: unknown, where = 'config'): T {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = [where, ...issue.path.map(String)].join('.');
  throw new InputError(`${path}: ${issue.message}`);
}

