/**
 * @module contracts/schemas
 * Runtime-validated message schemas (TypeBox: the schema is JSON Schema, so the gateway's
 * OpenAPI document reuses it). `validate` turns a schema violation into a `COMMAND_INVALID`
 * reply naming the first bad field, never a throw of anything else.
 */
import { Type, type Static, type TSchema, type TObject, type TProperties } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { TbError } from './tb-error.js';

/** An idempotency key: 1–128 printable characters without spaces. */
export const CommandId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_:.@/+=-]+$' });

/**
 * A command body: `commandId` plus the verb's own fields, no unknown fields.
 * Every command carries `commandId`; repeating it returns the first answer.
 */
export function Command<P extends TProperties>(properties: P) {
  return Type.Object({ commandId: CommandId, ...properties }, { additionalProperties: false });
}

/**
 * A read-only verb's body: the verb's own fields and an optional `commandId` (reads are never
 * deduplicated, so a caller need not invent one; one sent is echoed).
 */
export function ReadCommand<P extends TProperties>(properties: P) {
  return Type.Object({ commandId: Type.Optional(CommandId), ...properties }, { additionalProperties: false });
}

/** The reply to a successful command: the command id echoed, and the verb's result. */
export function Reply<T extends TSchema>(result: T) {
  return Type.Object({ commandId: Type.Optional(Type.String()), result });
}

/** The body of every error reply (and, nested under `error`, of every HTTP error). */
export const ErrorBodySchema = Type.Object({
  code: Type.String(),
  message: Type.String(),
  retryable: Type.Boolean(),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  commandId: Type.Optional(Type.String()),
});

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

function checkerFor<T extends TSchema>(schema: T): TypeCheck<T> {
  let c = compiled.get(schema);
  if (!c) {
    c = TypeCompiler.Compile(schema);
    compiled.set(schema, c);
  }
  return c as TypeCheck<T>;
}

/** Returns `value` typed by `schema`, or throws `COMMAND_INVALID` naming the first problem. */
export function validate<T extends TSchema>(schema: T, value: unknown): Static<T> {
  const check = checkerFor(schema);
  if (check.Check(value)) return value as Static<T>;
  const first = check.Errors(value).First();
  const where = first?.path ? first.path : '/';
  const reason = first ? `${where}: ${first.message}` : 'does not match the schema';
  throw new TbError('COMMAND_INVALID', { reason, path: where });
}

export type { Static, TSchema, TObject };
export { Type };
