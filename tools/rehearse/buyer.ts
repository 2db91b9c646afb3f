/**
 * @module tools/rehearse/buyer
 * One buyer, as a browser would behave: open the queue WebSocket (the upgrade joins), wait for
 * the `admitted` frame, create an order with the checkout token and an Idempotency-Key, pay it
 * through the sandbox provider's API, and watch the order until it is final. The plan decides
 * whether this buyer abandons the queue, abandons checkout, fails a payment and retries. Like a
 * real person, a buyer told that every ticket left is held by unpaid checkouts
 * (`INVENTORY_ALL_HELD`) waits until its `retryAt` and tries again while its slot lasts
 * (bounded); only `INVENTORY_SOLD_OUT` on every class sends it home.
 * Everything observed is written into the buyer's `BuyerRecord`; the checks never trust it.
 */
import WebSocket from 'ws';
import { signSandboxCallback } from '../../payments/providers/sandbox.js';
import type { Api } from './http.js';
import type { BuyerPlan, BuyerRecord, OrderAttempt } from './types.js';
import { sleep } from '../../platform/index.js';

/** What a buyer needs from its worker. */
export interface BuyerEnv {
  api: Api;
  wsUrl: string;
  gatewayUrl: string;
  eventId: string;
  classIds: string[];
  opensAt: number;
  sandboxSecret: string | undefined;
  duplicateCallbacks: boolean;
  /** `page`: open the socket as the waiting room page does in a browser (Origin, permessage-deflate offered, every frame parsed). */
  wsClient: 'bare' | 'page';
  /** Called on every state change (for the live counters). */
  onState(r: BuyerRecord): void;
  /** Resolves when the driver says stop. */
  stopped: Promise<void>;
}

const FINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);
/** At most this many waits for held tickets per order attempt (each until the class's `retryAt`). */
const MAX_HELD_WAITS = 30;
/** Checkout slot length when the queue cannot be asked (the default of `queueCheckoutTtlMs` (config/tuning.ts)). */
const DEFAULT_CHECKOUT_TTL_MS = 15 * 60_000;

/** The waitroom's checkout slot length, asked once per worker (public `GET …/queue`). */
let checkoutTtl: Promise<number> | undefined;
function checkoutTtlMs(env: BuyerEnv): Promise<number> {
  checkoutTtl ??= env
    .api('GET', `/api/v1/events/${env.eventId}/queue`, {})
    .then((res) =>
      res.status === 200 && typeof res.body?.checkoutTtlMs === 'number' ? (res.body.checkoutTtlMs as number) : DEFAULT_CHECKOUT_TTL_MS,
    )
    .catch(() => DEFAULT_CHECKOUT_TTL_MS);
  return checkoutTtl;
}

/** Wait in the queue until admitted (token), or abandon / stop. */
async function waitInQueue(env: BuyerEnv, plan: BuyerPlan, r: BuyerRecord): Promise<{ token?: string; close: () => void }> {
  let ws: WebSocket | undefined;
  let done = false;
  const close = () => {
    done = true;
    try {
      ws?.close();
    } catch {
      /* closed */
    }
  };
  const token = await new Promise<string | undefined>((resolve) => {
    const finish = (t: string | undefined) => {
      if (!done) {
        resolve(t);
      }
    };
    let attempts = 0;
    const connect = () => {
      if (done) return;
      attempts++;
      const page = env.wsClient === 'page';
      // The page's socket (web/src/queue-socket.ts): the same URL and subprotocols; a browser adds its Origin and offers permessage-deflate.
      const sock = new WebSocket(
        `${env.wsUrl}/api/v1/events/${env.eventId}/queue/ws`,
        ['tb.queue.v1', `bearer.${plan.token}`],
        page
          ? { perMessageDeflate: true, handshakeTimeout: 30_000, origin: env.gatewayUrl }
          : { perMessageDeflate: false, handshakeTimeout: 30_000, skipUTF8Validation: true },
      );
      ws = sock;
      sock.on('message', (data) => {
        const text = String(data);
        // "Now serving" broadcasts are most of the frames and a buyer needs none of them: skip unparsed (the page parses them).
        if (!page && text.startsWith('{"t":"cursor"')) return;
        const f = JSON.parse(text) as Record<string, any>;
        const now = Date.now();
        if (f['t'] === 'status') {
          if (r.joinedAt === undefined) {
            r.joinedAt = now;
            r.ticket = f['ticket'];
            r.state = 'queued';
            env.onState(r);
          }
          if (typeof f['position'] === 'number') r.position = f['position'];
          if (now >= env.opensAt && typeof f['estimatedWaitSec'] === 'number' && f['state'] === 'queued') {
            if (r.etaPredictedSec === undefined) {
              r.etaPredictedSec = f['estimatedWaitSec'];
              r.etaAt = now;
            }
            (r.etas ??= []).push(f['likelySoldOut'] === true ? [now, f['estimatedWaitSec'], true] : [now, f['estimatedWaitSec']]);
          }
          if (typeof f['tokenExpiresAt'] === 'number') r.slotEndsAt = f['tokenExpiresAt'];
          if (typeof f['token'] === 'string') finish(f['token']);
          // The turn came and went unclaimed (or the session ended): this buyer's story in the queue is over.
          if (f['state'] === 'expired' || f['state'] === 'left' || f['state'] === 'completed') {
            r.error = `queue session ${f['state']} before admission`;
            finish(undefined);
          }
        } else if (f['t'] === 'admitted') {
          if (typeof f['expiresAt'] === 'number') r.slotEndsAt = f['expiresAt'];
          finish(f['token']);
        }
      });
      sock.on('unexpected-response', (_req, res) => {
        r.joinErrors.push(res.statusCode ?? 0);
        sock.terminate();
      });
      sock.on('error', () => undefined);
      let opened = false;
      sock.on('open', () => {
        opened = true;
      });
      sock.on('close', (code) => {
        if (done || ws !== sock) return;
        // 4000 + status: the stream refused the socket after open (docs/websocket.md), not a drop.
        if (code >= 4400 && code < 4600) r.joinErrors.push(code - 4000);
        else if (opened) r.dropped = (r.dropped ?? 0) + 1;
        if (attempts >= 20) {
          r.error = 'websocket: gave up after 20 attempts';
          finish(undefined);
          return;
        }
        setTimeout(connect, Math.min(3_000, 200 * attempts)); // resumes the same session
      });
    };
    r.joinStart = Date.now();
    connect();
    if (plan.abandonQueueAfterMs !== undefined) {
      setTimeout(() => {
        if (r.admittedAt === undefined) {
          r.abandonedQueue = true;
          finish(undefined);
        }
      }, plan.abandonQueueAfterMs);
    }
    void env.stopped.then(() => {
      r.stopped = true;
      finish(undefined);
    });
  });
  if (token && r.admittedAt === undefined) {
    r.admittedAt = Date.now();
    r.state = 'checkout';
    env.onState(r);
  }
  done = true;
  return { ...(token ? { token } : {}), close };
}

/** Replay a sandbox callback as the provider would on a retry (same transaction id). */
async function duplicateCallback(env: BuyerEnv, paid: Record<string, any>): Promise<void> {
  if (!env.sandboxSecret) return;
  const body = {
    providerTxnId: paid['providerTxnId'],
    orderCode: paid['orderCode'],
    amountMinor: paid['amountMinor'],
    currency: paid['currency'],
    outcome: paid['outcome'],
    paidAt: Date.now(),
  };
  const signed = signSandboxCallback(env.sandboxSecret, body);
  await fetch(`${env.gatewayUrl}/api/v1/payments/sandbox/callback`, { method: 'POST', headers: signed.headers, body: signed.body })
    .then((res) => res.arrayBuffer())
    .catch(() => undefined);
}

/**
 * Create an order, falling back over the classes when one has nothing left, and pay it. When
 * what is left is only held (`INVENTORY_ALL_HELD`, or `INVENTORY_INSUFFICIENT` with a `retryAt`),
 * wait until the earliest `retryAt` (plus a little jitter, as people do not click in step) and
 * try again with a new Idempotency-Key, at most `MAX_HELD_WAITS` times and while the slot lasts.
 */
async function buyOnce(
  env: BuyerEnv,
  plan: BuyerPlan,
  r: BuyerRecord,
  checkoutToken: string,
  n: number,
  outcome: 'completed' | 'failed' | 'none',
): Promise<OrderAttempt | 'soldOut' | undefined> {
  // The checkout token lives as long as the slot: past it, waiting is pointless.
  const slotEnds = r.slotEndsAt ?? (r.admittedAt ?? Date.now()) + (await checkoutTtlMs(env));
  for (let wait = 0; ; wait++) {
    const got = await buyFromSomeClass(env, plan, r, checkoutToken, wait === 0 ? `o${n}` : `o${n}w${wait}`, outcome);
    if (typeof got !== 'number') return got;
    const at = Math.max(got, Date.now() + 250) + Math.floor(Math.random() * 1_000);
    if (wait >= MAX_HELD_WAITS || at >= slotEnds || r.stopped) {
      r.heldGaveUp = true;
      return 'soldOut';
    }
    r.heldWaits = (r.heldWaits ?? 0) + 1;
    await Promise.race([sleep(at - Date.now()), env.stopped]);
    if (r.stopped) return 'soldOut';
  }
}

/** One pass over the classes: the order (paid), `'soldOut'` when every class is sold out, or the earliest `retryAt` of a held class. */
async function buyFromSomeClass(
  env: BuyerEnv,
  plan: BuyerPlan,
  r: BuyerRecord,
  checkoutToken: string,
  attempt: string,
  outcome: 'completed' | 'failed' | 'none',
): Promise<OrderAttempt | 'soldOut' | number | undefined> {
  const key = `${plan.userId.slice(0, 8)}-${r.ticket ?? 0}-${attempt}`;
  let retryAt: number | undefined;
  for (let k = 0; k < env.classIds.length; k++) {
    const classId = env.classIds[(plan.classPref + k) % env.classIds.length]!;
    const t0 = Date.now();
    const res = await env.api('POST', '/api/v1/orders', {
      token: plan.token,
      key: `${key}-${classId}`,
      body: { eventId: env.eventId, lines: [{ classId, quantity: 1 }], checkoutToken },
    });
    const code = res.body?.error?.code as string | undefined;
    const held = res.body?.error?.details?.retryAt;
    if (res.status === 409 && (code === 'INVENTORY_ALL_HELD' || code === 'INVENTORY_INSUFFICIENT') && typeof held === 'number') {
      retryAt = Math.min(retryAt ?? held, held);
      continue;
    }
    if (res.status === 409 && (code === 'INVENTORY_SOLD_OUT' || code === 'INVENTORY_INSUFFICIENT')) continue;
    if (res.status !== 201 && res.status !== 200) {
      r.error = `order: HTTP ${res.status} ${code ?? ''}`;
      return undefined;
    }
    const a: OrderAttempt = {
      orderId: res.body.orderId,
      code: res.body.code,
      classId,
      orderMs: Date.now() - t0,
      status: res.body.status,
      outcome,
    };
    r.orders.push(a);
    if (outcome === 'none') return a;
    const delayMs = env.duplicateCallbacks ? 150 : 0;
    a.payAt = Date.now();
    const pay = await env.api('POST', '/api/v1/payments/sandbox/pay', { token: plan.token, body: { orderCode: a.code, outcome, delayMs } });
    if (pay.status !== 202) {
      r.error = `pay: HTTP ${pay.status} ${pay.body?.error?.code ?? ''}`;
      return a;
    }
    a.providerTxnId = pay.body.providerTxnId;
    if (env.duplicateCallbacks) {
      // Half the copies arrive before the provider's own callback, half after it.
      const early = (r.ticket ?? 0) % 2 === 0;
      void sleep(early ? 0 : 400).then(() => duplicateCallback(env, pay.body));
      a.paid = pay.body;
    }
    const deadline = Date.now() + 90_000;
    for (let wait = 200; Date.now() < deadline; wait = Math.min(2_000, wait * 1.5)) {
      // a payment page polls, it does not hammer
      await sleep(wait);
      const got = await env.api('GET', `/api/v1/orders/${a.orderId}`, { token: plan.token });
      if (got.status === 200) a.status = got.body.status;
      if (FINAL.has(a.status)) {
        a.finalAt = Date.now();
        a.refundRequired = got.body.refundRequired === true;
        break;
      }
    }
    return a;
  }
  return retryAt ?? 'soldOut';
}

/** Play one buyer from arrival to a final outcome. */
export async function playBuyer(env: BuyerEnv, plan: BuyerPlan, r: BuyerRecord): Promise<void> {
  const wait = plan.arriveAt - Date.now();
  if (wait > 0) await Promise.race([sleep(wait), env.stopped]);
  if (r.stopped || Date.now() >= plan.deadline) {
    r.outcome = 'stopped';
    return;
  }
  const q = await waitInQueue(env, plan, r);
  try {
    if (!q.token) {
      if (r.abandonedQueue) {
        r.outcome = 'abandonedQueue';
        if (plan.leaveOnAbandon) await env.api('POST', `/api/v1/events/${env.eventId}/queue/leave`, { token: plan.token, body: {} });
      } else r.outcome = r.error ? 'error' : 'stopped';
      return;
    }
    const first = await buyOnce(env, plan, r, q.token, 1, plan.abandonCheckout ? 'none' : plan.failPayment ? 'failed' : 'completed');
    if (first === 'soldOut') {
      r.outcome = 'soldOut';
      await env.api('POST', `/api/v1/events/${env.eventId}/queue/leave`, { token: plan.token, body: {} });
      return;
    }
    if (!first) {
      r.outcome = 'error';
      return;
    }
    if (plan.abandonCheckout) {
      r.outcome = 'abandonedCheckout';
      return;
    }
    if (first.status === 'COMPLETED') {
      r.outcome = 'bought';
      return;
    }
    if (!plan.failPayment || first.status !== 'FAILED') {
      r.outcome = 'error';
      r.error ??= `order ended ${first.status}`;
      return;
    }
    if (!plan.retry) {
      r.outcome = 'paymentFailed';
      return;
    }
    const again = await buyOnce(env, plan, r, q.token, 2, 'completed');
    r.outcome = again === 'soldOut' ? 'soldOut' : again?.status === 'COMPLETED' ? 'bought' : 'paymentFailed';
    if (env.duplicateCallbacks && first.paid) void duplicateCallback(env, first.paid); // a stale "failed" after the success
  } finally {
    r.state = 'done';
    env.onState(r);
    q.close();
  }
}
