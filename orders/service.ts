/**
 * @module orders/service
 * The order saga's fast path, driven by the gateway that received `POST /orders`: check the
 * event (a private one only for its staff and holders of its access code), the waitroom token and
 * the lines; bind the token's checkout slot to this order (one admission, one checkout: the
 * `queue` actor decides) and take the buyer's quota (the `buyer` actor decides); `create` the
 * order actor, perform its intents
 * (reserve every line, then create the payment, or confirm a free order), report each result,
 * and answer once the actor says PENDING (or COMPLETED, or FAILED with the reason). The actor
 * decides; this only performs, with the actor's deterministic command ids, so a retry, a repeat
 * with the same Idempotency-Key or the saga worker never act twice. Every method throws `TbError`.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { holdMsFor, orderCodeOf, orderIdFor } from '../actors/order/index.js';
import { TbError } from '../contracts/index.js';
import type { Actors } from '../actors/client/index.js';
import { EventStatus, eventAdmits, type EventView } from '../contracts/kinds/event.js';
import { OrderLimits, OrderStatus as S, type OrderView } from '../contracts/kinds/order.js';
import type { HttpClient, PaymentProviders, PaymentStore } from '../payments/index.js';
import { checkoutKey, verifyCheckoutToken } from '../queue/index.js';
import type { EventCache } from './event-cache.js';
import { createPaymentFor } from './payment-step.js';
import { bindCheckout, quotaUntil, reopenCheckout, settleQuota, takeQuota } from './quota.js';
import { performConfirm, performRelease, performReserve } from './steps.js';

/** The settings the service reads (a subset of `Config`). */
export interface OrderServiceConfig {
  orderPaymentTtlMs: number;
  orderStepTimeoutMs: number;
  orderDefaultProvider: string;
  checkoutSecret: string;
  publicBaseUrl: string;
}

export interface OrderServiceOptions {
  /** The actor references (the gateway passes `ctx.actors`, others `createActors(client)`). */
  actors: Actors;
  payments: PaymentStore;
  providers: PaymentProviders;
  config: OrderServiceConfig;
  log: Logger;
  http?: HttpClient;
  now?: () => number;
  /** Event views to answer creates from (`event-cache.ts`: trusted only to admit; a refusal is read again). */
  eventCache?: EventCache;
}

/** What a buyer asks for. `idempotencyKey` makes a repeat reach the same order. */
export interface CreateOrderRequest {
  userId: string;
  eventId: string;
  lines: Array<{ classId: string; quantity: number }>;
  provider?: string;
  checkoutToken?: string;
  idempotencyKey?: string;
  /** Payment deadline of this order (tests); default `orderPaymentTtlMs` (config/tuning.ts). */
  paymentTtlMs?: number;
  /** The caller's platform roles (platform admins need no access code for a private event). */
  platformRoles?: string[];
  /** The organizer's access code of a private event (header `X-Event-Access-Code`, never a URL). */
  accessCode?: string;
}

/** The order service (see the module invariants). */
export interface OrderService {
  /**
   * Create (or, with the same key, find) the order and drive it to PENDING with its payment URL.
   * A refused line answers its `INVENTORY_*` code after the holds were released; a provider
   * refusal answers the provider's code. `created` is false for a repeat.
   */
  create(req: CreateOrderRequest): Promise<{ order: OrderView; created: boolean }>;
  /** The order for its owner; `ORDER_NOT_FOUND` for anyone else. */
  get(orderId: string, viewerId: string): Promise<OrderView>;
  /** The owner cancels a PENDING order; its holds are released before the answer. */
  cancel(orderId: string, userId: string, commandId: string): Promise<OrderView>;
}

const SYSTEM_VIEWER = { userId: 'system-orders', platformRoles: ['admin'] };

/** Build the service. */
export function createOrderService(opts: OrderServiceOptions): OrderService {
  const { actors, config } = opts;
  const now = opts.now ?? Date.now;
  const key = checkoutKey(config.checkoutSecret);

  const readEvent = (eventId: string) => actors.event(eventId).get({ viewer: SYSTEM_VIEWER });

  /**
   * `checkWith` on the cached event view; a refusal on a cached view is decided again on the
   * event actor's own answer, so the cache can only ever be trusted to say yes.
   */
  async function check(req: CreateOrderRequest): Promise<{ ev: EventView; sessionId?: string }> {
    const cache = opts.eventCache;
    if (!cache) return checkWith(req, await readEvent(req.eventId));
    try {
      return await checkWith(req, await cache.get(req.eventId, () => readEvent(req.eventId)));
    } catch (err) {
      if (!(err instanceof TbError) || err.retryable) throw err;
      cache.invalidate(req.eventId);
      return checkWith(req, await cache.get(req.eventId, () => readEvent(req.eventId)));
    }
  }

  /** Event visible to the buyer, published, on sale, lines its own, token valid when it has a waitroom: the event and the token's session id. */
  async function checkWith(req: CreateOrderRequest, ev: EventView): Promise<{ ev: EventView; sessionId?: string }> {
    // A private event does not exist for outsiders: the same answer as a missing event.
    if (!eventAdmits(ev, { userId: req.userId, platformRoles: req.platformRoles ?? [] }, req.accessCode))
      throw new TbError('COMMAND_NOT_FOUND', { kind: 'event', id: req.eventId });
    const t = now();
    const notOnSale = (reason: string) => new TbError('ORDER_EVENT_NOT_ON_SALE', { eventId: req.eventId, reason });
    if (ev.status !== EventStatus.Published) throw notOnSale(ev.status.toLowerCase());
    if (ev.config.ticketSaleStartDate !== undefined && t < ev.config.ticketSaleStartDate) throw notOnSale('notStarted');
    if (ev.config.ticketSaleEndDate !== undefined && t >= ev.config.ticketSaleEndDate) throw notOnSale('ended');
    for (const l of req.lines)
      if (!ev.ticketClassIds.includes(l.classId))
        throw new TbError('ORDER_CLASS_NOT_IN_EVENT', { classId: l.classId, eventId: req.eventId });
    const requested = req.lines.reduce((s, l) => s + l.quantity, 0);
    if (requested > OrderLimits.maxQuantity) throw new TbError('ORDER_TOO_MANY_TICKETS', { limit: OrderLimits.maxQuantity, requested });
    if (!ev.config.allowWaitRoom) return { ev };
    if (!req.checkoutToken) throw new TbError('ORDER_CHECKOUT_TOKEN_REQUIRED', { eventId: req.eventId });
    return {
      ev,
      sessionId: (await verifyCheckoutToken(key, req.checkoutToken, { userId: req.userId, eventId: req.eventId }, t)).sessionId,
    };
  }

  /**
   * Before the order exists: bind the checkout slot to it (first order wins), then take the
   * buyer's quota. A refused quota gives the slot back, so the buyer may try a smaller order.
   */
  async function admit(req: CreateOrderRequest, ev: EventView, orderId: string, sessionId: string | undefined, ttl: number): Promise<void> {
    if (sessionId) await bindCheckout(actors, req.eventId, sessionId, orderId);
    const quantity = req.lines.reduce((s, l) => s + l.quantity, 0);
    try {
      await takeQuota(actors, { ev, userId: req.userId, orderId, quantity, until: quotaUntil(now(), ttl, config.orderStepTimeoutMs) });
    } catch (err) {
      if (sessionId)
        await reopenCheckout(actors, req.eventId, sessionId, orderId).catch((e: unknown) =>
          opts.log.warn({ err: e, orderId }, 'checkout slot left bound'),
        );
      throw err;
    }
  }

  /** A final order gives its quota back (or keeps it, completed) and, failed before holding, its slot: at once, the saga worker repeats it. */
  async function settle(view: OrderView, sessionId?: string): Promise<void> {
    await settleQuota(actors, view).catch((err: unknown) =>
      opts.log.warn({ err, orderId: view.orderId }, 'quota settle left to the saga worker'),
    );
    if (sessionId && view.status === S.Failed) {
      await reopenCheckout(actors, view.eventId, sessionId, view.orderId).catch((err: unknown) =>
        opts.log.warn({ err, orderId: view.orderId }, 'checkout reopen left to the saga worker'),
      );
    }
  }

  /** Release every line the order asks to release, then answer the order as it is now. */
  async function releaseAll(view: OrderView): Promise<OrderView> {
    const releasing = view.lines.filter((l) => l.state === 'releasing');
    await Promise.all(
      releasing.map((l) =>
        performRelease(actors, { orderId: view.orderId, classId: l.classId, attempt: l.attempt ?? 0 }).catch((err: unknown) => {
          opts.log.warn({ err, orderId: view.orderId, classId: l.classId }, 'release left to the saga worker');
        }),
      ),
    );
    return releasing.length ? actors.order(view.orderId).get({ viewerId: view.userId }) : view;
  }

  /** Perform the open intents of a fresh order: reserve, then pay (or confirm a free order). */
  async function drive(view: OrderView, paymentTtlMs: number): Promise<OrderView> {
    const id = view.orderId;
    let refusal: TbError | undefined;
    const pending = view.lines.filter((l) => l.state === 'pending');
    if (view.status === S.Reserving && pending.length) {
      const results = await Promise.all(
        pending.map((l) =>
          performReserve(actors, {
            orderId: id,
            classId: l.classId,
            attempt: 0,
            quantity: l.quantity,
            holdMs: holdMsFor(paymentTtlMs, OrderLimits.defaultProcessingExtensionMs),
          }),
        ),
      );
      refusal = results.find((r) => r.refusal)?.refusal;
      // One line: its report's answer is the order as of now (single writer). Several lines were
      // reported concurrently, so none of the answers need be the last: read the order.
      view = results.length === 1 ? results[0]!.view : await actors.order(id).get({ viewerId: view.userId });
    }
    if (view.status === S.Reserving && view.lines.every((l) => l.state === 'held') && view.totalMinor > 0 && !view.payment) {
      view = await createPaymentFor(opts, view);
    }
    if (view.status === S.Confirming) {
      await Promise.all(
        view.lines
          .filter((l) => l.state === 'confirming')
          .map((l) => performConfirm(actors, { orderId: id, classId: l.classId, attempt: l.attempt ?? 0 })),
      );
      view = await actors.order(id).get({ viewerId: view.userId });
    }
    if (view.status === S.Failed || view.status === S.Cancelled) {
      view = await releaseAll(view);
      if (refusal) throw new TbError(refusal.code as never, { ...refusal.details, orderId: id });
    }
    return view;
  }

  /**
   * A code no other order holds: the `ordercode.<code>` actor's first claim wins (single writer),
   * so a collision of the 12-digit derivation moves on to the next salted code. Idempotent: a
   * repeated create claims the same code again and is answered as its holder.
   */
  async function claimCode(orderId: string): Promise<string> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const code = orderCodeOf(orderId, attempt);
      const holder = await actors.ordercode(code).claim({ orderId }, [orderId, 'code']);
      if (holder.orderId === orderId) return code;
    }
    throw new TbError('INTERNAL', {}, { message: `no free order code for ${orderId}` });
  }

  return {
    async create(req) {
      const orderId = req.idempotencyKey ? orderIdFor(req.userId, req.idempotencyKey) : `ord_${randomBytes(12).toString('hex')}`;
      const ttl = req.paymentTtlMs ?? config.orderPaymentTtlMs;
      if (req.idempotencyKey) {
        const existing = await actors
          .order(orderId)
          .get({ viewerId: req.userId })
          .catch((err: unknown) => {
            if (TbError.is(err, 'COMMAND_NOT_FOUND')) return undefined;
            throw err;
          });
        if (existing) return { order: await drive(existing, ttl), created: false };
      }
      // A provider that does not exist here (the sandbox in production) is refused before anything is held.
      opts.providers.get(req.provider ?? config.orderDefaultProvider);
      const { ev, sessionId } = await check(req);
      await admit(req, ev, orderId, sessionId, ttl);
      const code = await claimCode(orderId);
      const view = await actors.order(orderId).create(
        {
          userId: req.userId,
          eventId: req.eventId,
          lines: req.lines,
          code,
          provider: req.provider ?? config.orderDefaultProvider,
          ...(sessionId ? { sessionId } : {}),
          paymentTtlMs: ttl,
          stepTimeoutMs: config.orderStepTimeoutMs,
        },
        [orderId, 'create'],
      );
      try {
        const order = await drive(view, ttl);
        await settle(order);
        return { order, created: true };
      } catch (err) {
        // A refused line failed the order: its quota and its checkout slot are free for another try.
        const failed = await actors
          .order(orderId)
          .get({ viewerId: req.userId })
          .catch(() => undefined);
        if (failed) await settle(failed, sessionId);
        throw err;
      }
    },

    get: (orderId, viewerId) =>
      actors
        .order(orderId)
        .get({ viewerId })
        .catch((err: unknown) => {
          throw TbError.is(err, 'COMMAND_NOT_FOUND') ? new TbError('ORDER_NOT_FOUND', { orderId }) : err;
        }),

    async cancel(orderId, userId, commandId) {
      const view = await actors
        .order(orderId)
        .cancel({ userId }, [commandId])
        .catch((err: unknown) => {
          throw TbError.is(err, 'COMMAND_NOT_FOUND') ? new TbError('ORDER_NOT_FOUND', { orderId }) : err;
        });
      const released = await releaseAll(view);
      await settle(released);
      return released;
    },
  };
}
