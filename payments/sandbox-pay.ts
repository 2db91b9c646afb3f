/**
 * @module payments/sandbox-pay
 * The local sandbox "provider side": checks a sandbox payment link (its parameters are signed by
 * `createSandboxProvider`), and simulates a payment by sending — after an optional delay, over
 * real HTTP, like a real provider — a callback signed with `signSandboxCallback` to the gateway's
 * sandbox callback route, retrying (bounded) while the gateway answers 5xx or is unreachable.
 * Invariants: a tampered link is refused before anything is sent; only the signed link or the
 * payment's owner can pay or fail it (knowing an order code is not enough); the amount reported is the
 * amount of the sandbox payment on record (or of the signed link), never one the client chose;
 * every simulated payment gets its own transaction id, as at a real provider.
 */
import { randomBytes } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { TbError } from '../contracts/index.js';
import { retry, sleep } from '../platform/index.js';
import { payments, withDbErrors, type Db } from '../db/index.js';
import { signatureMatches } from './providers/crypto.js';
import { sandboxSignature, signSandboxCallback, type SandboxCallbackBody } from './providers/sandbox.js';

/** The path of the sandbox callback route (the default target of the simulated callbacks). */
export const SANDBOX_CALLBACK_PATH = '/api/v1/payments/sandbox/callback';
/** The signed parameters of a sandbox payment link, in the order the provider signs them. */
export const SANDBOX_LINK_FIELDS = ['orderCode', 'amountMinor', 'currency', 'returnUrl', 'callbackUrl'] as const;

/** A verified sandbox payment link. */
export interface SandboxLink {
  orderCode: string;
  amountMinor: number;
  currency: string;
  returnUrl: string;
  callbackUrl: string;
}

/** Settings of the simulated provider. */
export interface SandboxPayOptions {
  db: Db;
  secret: string;
  log: Logger;
  /** Where to send callbacks: `sandboxCallbackUrl` (config/tuning.ts), else `TB_PUBLIC_BASE_URL` + the callback path. */
  callbackUrl: () => string;
  /** Longest accepted delay (default 60 s). */
  maxDelayMs?: number;
  /**
   * Attempts per callback while the gateway answers 5xx or cannot be reached (default 10: backoff
   * 0.4 s doubling to 10 s, about a minute in all). Real providers retry for minutes to hours; a
   * sandbox that gave up after a few seconds lost payments a busy gateway would have recorded late.
   */
  attempts?: number;
  fetchImpl?: typeof fetch;
}

/** What `pay` scheduled. */
export interface SandboxPayment {
  orderCode: string;
  providerTxnId: string;
  outcome: 'completed' | 'failed';
  amountMinor: number;
  currency: string;
  callbackAt: number;
  /** Settles with the gateway's final HTTP status (or 0 when it never answered). */
  delivered: Promise<number>;
}

/**
 * Verify the signed parameters of a sandbox link (`sig` = HMAC over the five fields as strings).
 * @throws TbError `WEBHOOK_SANDBOX_LINK_INVALID` when a field is missing or anything was altered.
 */
export function verifySandboxLink(secret: string, q: Record<string, unknown>): SandboxLink {
  const bad = (reason: string) => new TbError('WEBHOOK_SANDBOX_LINK_INVALID', { reason });
  const page: Record<string, string> = {};
  for (const k of SANDBOX_LINK_FIELDS) {
    const v = q[k];
    if (typeof v !== 'string') throw bad(`${k} is missing`);
    page[k] = v;
  }
  const sig = q['sig'];
  if (typeof sig !== 'string' || sig === '') throw bad('sig is missing');
  if (!signatureMatches(sandboxSignature(secret, page), sig)) throw bad('the signature does not match');
  const amountMinor = Number(page['amountMinor']);
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) throw bad('amountMinor is not an amount');
  return {
    orderCode: page['orderCode']!,
    amountMinor,
    currency: page['currency']!,
    returnUrl: page['returnUrl']!,
    callbackUrl: page['callbackUrl']!,
  };
}

/** The simulated provider. */
export interface SandboxPayer {
  /**
   * Simulate paying (or failing) the newest sandbox payment of `orderCode`, on the authority of its
   * verified signed `link`, or of `ownerId` (the signed-in user, who must own that payment).
   * @throws TbError `WEBHOOK_SANDBOX_FORBIDDEN` with neither, or when `ownerId` does not own it.
   */
  pay(input: {
    orderCode: string;
    outcome: 'completed' | 'failed';
    delayMs?: number;
    link?: SandboxLink;
    ownerId?: string;
  }): Promise<SandboxPayment>;
  /** Wait for the callbacks still in flight (bounded by `timeoutMs`). */
  drain(timeoutMs?: number): Promise<void>;
}

/** Create the simulated provider. */
export function createSandboxPayer(o: SandboxPayOptions): SandboxPayer {
  const doFetch = o.fetchImpl ?? fetch;
  const inFlight = new Set<Promise<number>>();

  const send = async (body: SandboxCallbackBody, delayMs: number): Promise<number> => {
    if (delayMs > 0) await sleep(delayMs);
    const signed = signSandboxCallback(o.secret, body);
    let status = 0;
    try {
      return await retry(
        async (attempt) => {
          let res: Response;
          try {
            res = await doFetch(o.callbackUrl(), {
              method: 'POST',
              headers: signed.headers,
              body: signed.body,
              signal: AbortSignal.timeout(10_000),
            });
          } catch (err) {
            o.log.warn({ err, orderCode: body.orderCode, attempt }, 'sandbox callback not delivered');
            throw err;
          }
          await res.arrayBuffer().catch(() => undefined);
          status = res.status;
          if (status >= 500) throw new Error(`the callback route answered ${status}`);
          return status;
        },
        { attempts: o.attempts ?? 10, firstDelayMs: 400, maxDelayMs: 10_000 },
      );
    } catch {
      o.log.error({ orderCode: body.orderCode, providerTxnId: body.providerTxnId, status }, 'sandbox callback gave up');
      return status;
    }
  };

  return {
    async pay(input) {
      const maxDelay = o.maxDelayMs ?? 60_000;
      const delayMs = Math.max(0, Math.min(maxDelay, Math.trunc(input.delayMs ?? 0)));
      const forbidden = () => new TbError('WEBHOOK_SANDBOX_FORBIDDEN', { orderCode: input.orderCode });
      if (input.link && input.link.orderCode !== input.orderCode) throw forbidden();
      let amountMinor = input.link?.amountMinor;
      let currency = input.link?.currency;
      if (!input.link) {
        if (input.ownerId === undefined) throw forbidden();
        const [p] = await withDbErrors(() =>
          o.db
            .select({ amountMinor: payments.amountMinor, currency: payments.currency, userId: payments.userId })
            .from(payments)
            .where(and(eq(payments.provider, 'sandbox'), eq(payments.orderCode, input.orderCode)))
            .orderBy(desc(payments.createdAt))
            .limit(1),
        );
        // Someone else's order and no order at all answer alike: a code reveals nothing.
        if (!p || p.userId !== input.ownerId) throw forbidden();
        amountMinor = p.amountMinor;
        currency = p.currency;
      }
      if (amountMinor === undefined || currency === undefined) throw forbidden();
      const providerTxnId = `sbx_${input.orderCode}_${randomBytes(6).toString('hex')}`;
      const callbackAt = Date.now() + delayMs;
      const body: SandboxCallbackBody = {
        providerTxnId,
        orderCode: input.orderCode,
        amountMinor,
        currency,
        outcome: input.outcome,
        paidAt: callbackAt,
      };
      const delivered = send(body, delayMs);
      inFlight.add(delivered);
      void delivered.finally(() => inFlight.delete(delivered));
      return { orderCode: input.orderCode, providerTxnId, outcome: input.outcome, amountMinor, currency, callbackAt, delivered };
    },
    async drain(timeoutMs = 10_000) {
      await Promise.race([Promise.allSettled([...inFlight]), sleep(timeoutMs)]);
    },
  };
}
