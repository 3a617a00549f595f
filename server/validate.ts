/** Validates a request body with a zod schema, or answers 400 naming every failing field. */
import type { z } from 'zod';
import { HttpError } from './errors';

export function parseBody<S extends z.ZodType>(schema: S, body: unknown, code = 'invalid_body'): z.infer<S> {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  const details = r.error.issues.slice(0, 50).map((i) => ({
    path:
      i.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, '') || '(body)',
    message:
      i.code === 'unrecognized_keys'
        ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}: remove ${i.keys.length > 1 ? 'them' : 'it'}`
        : i.message,
  }));
  throw new HttpError(400, code, details.map((d) => `${d.path}: ${d.message}`).join('; '), details);
}
