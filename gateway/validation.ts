/**
 * @module gateway/validation
 * Validate a request's path parameters, query and body against the route's TypeBox schemas.
 * Path and query values arrive as strings, so they are coerced to the schema's scalar types
 * (integer, number, boolean, arrays of them) before validation; a value that does not coerce is
 * left as is and fails validation. Failures throw `COMMAND_INVALID` naming where (`in`) and what.
 * Invariant: no string with a NUL character reaches a handler from any part (PostgreSQL refuses
 * NUL in text, so it would otherwise surface as a 500), and a mutating route without a body schema
 * accepts only no body or `{}` (`NoBody`).
 */
import { TbError, Type, validate, type TSchema } from '../contracts/index.js';

type Where = 'params' | 'query' | 'body';

/** The body of a mutating route that declares none: nothing, or an empty JSON object. */
export const NoBody = Type.Object({}, { additionalProperties: false, description: 'no body, or {}' });

function hasNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (typeof value !== 'object' || value === null || depth > 64) return false;
  if (Array.isArray(value)) return value.some((v) => hasNul(v, depth + 1));
  for (const [k, v] of Object.entries(value)) if (k.includes('\u0000') || hasNul(v, depth + 1)) return true;
  return false;
}

/** Throw `COMMAND_INVALID` (with `in`) when any string or key in `value` contains a NUL character. */
export function assertNoNul(where: Where, value: unknown): void {
  if (hasNul(value)) throw new TbError('COMMAND_INVALID', { reason: `${where}: text must not contain NUL characters`, in: where });
}

function coerceScalar(schema: Record<string, unknown> | undefined, raw: string): unknown {
  const type = schema?.['type'];
  if (type === 'integer' || type === 'number') {
    if (raw.trim() === '') return raw;
    const n = Number(raw);
    return Number.isFinite(n) ? n : raw;
  }
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}

/**
 * Coerce string values of an object schema's properties. Repeated query keys become arrays only
 * when the property is an array; otherwise the last value wins.
 */
export function coerceStrings(schema: TSchema, values: Record<string, string | string[]>): Record<string, unknown> {
  const props = (schema as { properties?: Record<string, Record<string, unknown>> }).properties ?? {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const prop = props[key];
    if (prop?.['type'] === 'array') {
      const items = prop['items'] as Record<string, unknown> | undefined;
      out[key] = (Array.isArray(value) ? value : [value]).map((v) => coerceScalar(items, v));
    } else {
      const last = Array.isArray(value) ? value[value.length - 1]! : value;
      out[key] = coerceScalar(prop, last);
    }
  }
  return out;
}

/** Parse a raw query string into a null-prototype record; repeated keys collect into arrays. */
export function parseQuery(raw: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  if (!raw) return out;
  for (const [k, v] of new URLSearchParams(raw)) {
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else out[k] = [prev, v];
  }
  return out;
}

/** Validate one part of a request; rethrows `COMMAND_INVALID` with `in` added to the details. */
export function validatePart<T extends TSchema>(where: Where, schema: T, value: unknown): unknown {
  try {
    return validate(schema, value);
  } catch (err) {
    if (TbError.is(err, 'COMMAND_INVALID')) {
      const details = err.details ?? {};
      throw new TbError('COMMAND_INVALID', { reason: `${where}${String(details['reason'] ?? '')}`, path: details['path'], in: where });
    }
    throw err;
  }
}
