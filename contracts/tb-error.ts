/**
 * @module contracts/tb-error
 * The error hierarchy: `TbError` carries a registered code and the facts of the failure;
 * subclasses add typed facts. Errors decoded off the wire become `TbError` again through
 * `TbError.fromBody`, so a caller can branch on `code`/`retryable` wherever the error came from.
 */
import { ErrorCodes, renderMessage, isErrorCode, type ErrorBody, type ErrorCode } from './errors.js';

/**
 * Whether errors of `code` capture a stack trace: only internal faults (non-retryable 5xx), where
 * the place it happened matters. A refusal (4xx) or an overload is an answer, not a bug: under a
 * flood thousands are made per second, and capturing their stacks was a sixth of a busy node's CPU
 * under tsx. Compiled (`npm run build`, no source maps) a stack is cheaper but still not free:
 * an error 15 frames deep with its stack read costs 41-57 µs compiled, 134-162 µs under tsx, and
 * 7-13 µs without a stack (one loaded 2-core machine, 50,000 each), so the rule stays.
 */
const wantsStack = (code: ErrorCode): boolean => ErrorCodes[code].status >= 500 && !ErrorCodes[code].retryable;

export class TbError extends Error {
  readonly code: ErrorCode | string;
  readonly retryable: boolean;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, params: Record<string, unknown> = {}, options: { cause?: unknown; message?: string } = {}) {
    const limit = Error.stackTraceLimit;
    if (!wantsStack(code)) Error.stackTraceLimit = 0;
    try {
      super(options.message ?? renderMessage(code, params), { cause: options.cause });
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.name = 'TbError';
    this.code = code;
    this.retryable = ErrorCodes[code].retryable;
    this.status = ErrorCodes[code].status;
    this.details = Object.keys(params).length > 0 ? params : undefined;
  }

  /** The wire body of this error. */
  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message, retryable: this.retryable };
    if (this.details) body.details = this.details;
    return body;
  }

  /** Rebuild an error from a wire body; an unknown code keeps its text but is not retryable. */
  static fromBody(body: ErrorBody): TbError {
    if (isErrorCode(body.code)) {
      const e = new TbError(body.code, body.details ?? {}, { message: body.message });
      return e;
    }
    const e = new TbError('INTERNAL', {}, { message: body.message });
    (e as { code: string }).code = body.code;
    return e;
  }

  static is(err: unknown, code?: ErrorCode): err is TbError {
    return err instanceof TbError && (code === undefined || err.code === code);
  }

  /** Any non-`TbError` becomes `INTERNAL`, keeping the original as `cause` (never in the message). */
  static wrap(err: unknown): TbError {
    return err instanceof TbError ? err : new TbError('INTERNAL', {}, { cause: err });
  }
}

/** A fenced write lost its compare-and-set: another writer committed first (runtime rule 2). */
export class ConcurrencyConflictError extends TbError {
  readonly key: string;
  readonly expectedRevision: number;
  readonly actualRevision: number | undefined;
  constructor(
    key: string,
    expectedRevision: number,
    actualRevision: number | undefined,
    partition: number,
    options: { cause?: unknown } = {},
  ) {
    super('RUNTIME_NOT_OWNER', { partition }, options);
    this.name = 'ConcurrencyConflictError';
    this.key = key;
    this.expectedRevision = expectedRevision;
    this.actualRevision = actualRevision;
  }
}

/** This node does not (or no longer) own the partition; `ownerHint` names who should. */
export class NotOwnerError extends TbError {
  readonly partition: number;
  readonly ownerHint: string | undefined;
  constructor(partition: number, ownerHint?: string, options: { cause?: unknown } = {}) {
    super('RUNTIME_NOT_OWNER', ownerHint ? { partition, ownerHint } : { partition }, options);
    this.name = 'NotOwnerError';
    this.partition = partition;
    this.ownerHint = ownerHint;
  }
}

/** Storage did not answer or answered with a failure; whether the write landed is unknown (runtime rule 7). */
export class StorageUnavailableError extends TbError {
  constructor(options: { cause?: unknown } = {}) {
    super('RUNTIME_UNAVAILABLE', {}, options);
    this.name = 'StorageUnavailableError';
  }
}
