/**
 * @module actors/client/client
 * The actor client: computes the partition, sends the command straight to its owner
 * (`tbp.<partition>…`), and retries what may be retried with the same command id, within a
 * bounded budget, with exponential backoff and jitter (runtime rule 7: a timeout is an unknown outcome). A timeout is an unknown
 * outcome, so it is retried with the same id too; validation and authorization errors never are.
 * It performs requests through a connection it is given and opens nothing itself.
 */
import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import {
  CONTENT_TYPE_HEADER,
  MSGPACK_CONTENT_TYPE,
  Headers,
  TbError,
  assertAddress,
  decodeReply,
  directSubject,
  encode,
  partitionOf,
} from '../../contracts/index.js';
import { backoffDelay, requestFailureOf, sleep } from '../../platform/index.js';
import './nats-request-patch.js';

export interface ActorClientOptions {
  /** Partition count of the cluster (must match the nodes'). */
  partitions: number;
  /** Per-attempt timeout. Default 5 s. */
  timeoutMs?: number;
  /** Total time budget across retries. Default 20 s (covers a takeover after a node dies). */
  budgetMs?: number;
}

export interface RequestOptions {
  /** Correlation id carried in `tb-request-id`. */
  requestId?: string;
  timeoutMs?: number;
  budgetMs?: number;
}

/** Observations for tests and benchmarks: how many attempts, and which retryable errors were seen. */
export interface RequestStats {
  attempts: number;
  retried: string[];
}

export interface ActorClient {
  /**
   * Send `body` (which must carry `commandId` for mutating verbs) to `kind.id` verb `verb` and
   * return the reply's `result`, untyped: production code calls the typed references
   * (`createActors`) built on this. Throws a `TbError`: non-retryable errors at once, retryable ones
   * when the budget is spent (the last one seen, or `RUNTIME_TIMEOUT`).
   */
  request<R = unknown>(
    kind: string,
    id: string,
    verb: string,
    body: Record<string, unknown>,
    opts?: RequestOptions,
    stats?: RequestStats,
  ): Promise<R>;
}

export function createActorClient(nc: NatsConnection, options: ActorClientOptions): ActorClient {
  const baseTimeout = options.timeoutMs ?? 5_000;
  const baseBudget = options.budgetMs ?? 20_000;
  return {
    async request<R>(
      kind: string,
      id: string,
      verb: string,
      body: Record<string, unknown>,
      opts: RequestOptions = {},
      stats?: RequestStats,
    ): Promise<R> {
      assertAddress(kind, id);
      const subject = directSubject(partitionOf(kind, id, options.partitions), kind, id, verb);
      const payload = encode(body);
      const timeout = opts.timeoutMs ?? baseTimeout;
      const deadline = Date.now() + (opts.budgetMs ?? baseBudget);
      let lastError: TbError | undefined;
      for (let attempt = 1; ; attempt++) {
        if (stats) stats.attempts = attempt;
        // msgpack is the default: a first attempt without a request id sends no headers at all.
        let h: ReturnType<typeof natsHeaders> | undefined;
        if (attempt > 1 || opts.requestId) {
          h = natsHeaders();
          h.set(CONTENT_TYPE_HEADER, MSGPACK_CONTENT_TYPE);
          h.set(Headers.Attempt, String(attempt));
          if (opts.requestId) h.set(Headers.RequestId, opts.requestId);
        }
        try {
          const remaining = deadline - Date.now();
          const msg = await nc.request(
            subject,
            payload,
            h
              ? { timeout: Math.max(50, Math.min(timeout, remaining)), headers: h }
              : { timeout: Math.max(50, Math.min(timeout, remaining)) },
          );
          return decodeReply<R>(msg).result;
        } catch (err) {
          if (err instanceof TbError) {
            if (!err.retryable) throw err;
            lastError = err;
          } else {
            const failure = requestFailureOf(err);
            if (failure === 'noResponders')
              lastError = new TbError('RUNTIME_NOT_OWNER', { partition: partitionOf(kind, id, options.partitions) }, { cause: err });
            else if (failure === 'timeout') lastError = new TbError('RUNTIME_TIMEOUT', { timeoutMs: timeout }, { cause: err });
            else throw TbError.wrap(err);
          }
          stats?.retried.push(String(lastError.code));
        }
        // The platform's one backoff (exponential, capped, with jitter), within the budget.
        const wait = backoffDelay(attempt + 1, 25, 1_000);
        if (Date.now() + wait >= deadline) throw lastError;
        await sleep(wait);
      }
    },
  };
}
