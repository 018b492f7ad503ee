// Shared pieces for reading configurations out of trace files and CLI input:
// every validation error names the field that is wrong.
//
// Schemas are built on first use (lazySchema), and zod is loaded then: zod is
// about a hundred modules, most of `zoocheck check`'s start-up, and a check
// that reads no configuration never needs it (`npm run bench`, start-up).
import { createRequire } from 'node:module';
import type { z as Z } from 'zod';
import { InputError } from './input-error.ts';

export { InputError };

type ZodApi = typeof Z;

let api: ZodApi | null = null;

function zod(): ZodApi {
  api ??= (createRequire(import.meta.url)('zod') as { z: ZodApi }).z;
  return api;
}

/** A zod schema built by `build` the first time it is asked for. */
export function lazySchema<T>(build: (z: ZodApi) => Z.ZodType<T>): () => Z.ZodType<T> {
  let schema: Z.ZodType<T> | null = null;
  return () => {
    schema ??= build(zod());
    return schema;
  };
}

export const budgetSchema = lazySchema((z) =>
  z.object({
    crashes: z.number().int().min(0),
    drops: z.number().int().min(0),
    duplicates: z.number().int().min(0),
    partitions: z.number().int().min(0),
    torn: z.number().int().min(0).optional(),
    hold: z.number().int().min(0).optional(),
    rate: z.number().int().min(1).max(4).optional(),
  }),
);

/** Parse with a zod schema; on failure throw an InputError naming the first bad field. */
export function parseWith<T>(schema: Z.ZodType<T> | (() => Z.ZodType<T>), raw: unknown, where = 'config'): T {
  const r = (typeof schema === 'function' ? schema() : schema).safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = [where, ...issue.path.map(String)].join('.');
  throw new InputError(`${path}: ${issue.message}`);
}
