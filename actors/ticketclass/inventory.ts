/**
 * @module actors/ticketclass/inventory
 * Pure inventory arithmetic: each function takes a context and returns the next context plus
 * the domain events it implies. Invariant: `reserved + sold + available == total`, `available ≥ 0`,
 * holds ≤ `reserved` (each holds ≥ 1 ticket: the stock bounds them, no separate cap);
 * a hold is due when `now ≥ expiresAt`, and `settle` expires due holds before any other change, so
 * a late timer never lets a dead hold block stock. Callers check policy first (`checks.ts`).
 */
import { TicketClassLimits, type ReleaseReason } from '../../contracts/kinds/ticketclass.js';
import { bmDelete, bmDeleteWhere, bmEntries, bmGet, bmSet, emptyBucketMap } from './bucket-map.js';
import { TicketClassEventType as T, type TicketClassEvent } from './events.js';
import type { FinishedOrder, Hold, PackedHold, RecentOrders, TicketClassChanges, TicketClassContext } from './types.js';

/** The next context and the events to emit, in order. */
export interface Step {
  ctx: TicketClassContext;
  emitted: TicketClassEvent[];
}

/** `total − reserved − sold`. */
export function availableOf(ctx: TicketClassContext): number {
  return ctx.total - ctx.reserved - ctx.sold;
}

/**
 * Where the stock stands: `inStock` (some available), `allHeld` (none available, some held by
 * unpaid checkouts: they may come back), `soldOut` (every ticket sold).
 */
export type StockState = 'inStock' | 'allHeld' | 'soldOut';

/** The stock state of `ctx` (see `StockState`). */
export function stockStateOf(ctx: TicketClassContext): StockState {
  return availableOf(ctx) > 0 ? 'inStock' : ctx.reserved > 0 ? 'allHeld' : 'soldOut';
}

/**
 * One hold packed into one number, `expiresAt · 128 + quantity` (quantity ≤ 100 < 128; exact
 * below 2^53, i.e. until the year 4200): about 9 bytes in the entry instead of a 30-byte
 * `{ quantity, expiresAt }` record, so the entry grows by ≤ `holdEntryBytes` per live hold.
 */
export function packHold(h: Hold): PackedHold {
  return h.expiresAt * 128 + h.quantity;
}

/** The hold a packed number stands for. */
export function unpackHold(p: PackedHold): Hold {
  const quantity = p % 128;
  return { quantity, expiresAt: (p - quantity) / 128 };
}

/** The live hold of `orderId`, if any (not checking its deadline). */
export function holdOf(ctx: TicketClassContext, orderId: string): Hold | undefined {
  const p = bmGet(ctx.holds, orderId);
  return p === undefined ? undefined : unpackHold(p);
}

/** What the class remembers about a finished `orderId`, if it still does. */
export function finishedOf(ctx: TicketClassContext, orderId: string): FinishedOrder | undefined {
  for (const gen of [ctx.recent.head, ...ctx.recent.old]) {
    const f = bmGet(gen, orderId);
    if (f) return f;
  }
  return undefined;
}

/** An empty finished-orders memory. */
export function emptyRecent(): RecentOrders {
  return { head: emptyBucketMap(), headCount: 0, old: [] };
}

function remember(recent: RecentOrders, orderId: string, entry: FinishedOrder): RecentOrders {
  let next: RecentOrders = { ...recent, head: bmSet(recent.head, orderId, entry), headCount: recent.headCount + 1 };
  if (next.headCount >= TicketClassLimits.recentGenerationSize) {
    // Rotate whole generations so eviction never copies more than one bucket per command.
    next = { head: emptyBucketMap(), headCount: 0, old: [next.head, ...next.old].slice(0, TicketClassLimits.recentGenerations - 1) };
  }
  return next;
}

function base(ctx: TicketClassContext, now: number) {
  return { classId: ctx.classId, eventId: ctx.eventId, available: availableOf(ctx), held: ctx.reserved, at: now };
}

/** Expire every hold due at `now` (`ticketclass.released` with reason `expired` for each). Idempotent. */
export function sweep(ctx: TicketClassContext, now: number): Step {
  if (ctx.nextExpiryAt === undefined || now < ctx.nextExpiryAt) return { ctx, emitted: [] };
  const due: Array<[string, Hold]> = [];
  let nextExpiryAt: number | undefined;
  for (const [orderId, packed] of bmEntries(ctx.holds)) {
    const hold = unpackHold(packed);
    if (now >= hold.expiresAt) due.push([orderId, hold]);
    else nextExpiryAt = nextExpiryAt === undefined ? hold.expiresAt : Math.min(nextExpiryAt, hold.expiresAt);
  }
  let next: TicketClassContext = { ...ctx, nextExpiryAt, holds: bmDeleteWhere(ctx.holds, (p) => now >= unpackHold(p).expiresAt) };
  const emitted: TicketClassEvent[] = [];
  for (const [orderId, hold] of due) {
    next = {
      ...next,
      reserved: next.reserved - hold.quantity,
      holdsCount: next.holdsCount - 1,
      recent: remember(next.recent, orderId, { state: 'released', quantity: hold.quantity, reason: 'expired' }),
    };
    emitted.push({ type: T.Released, ...base(next, now), orderId, quantity: hold.quantity, reason: 'expired' });
  }
  if (due.length > 0) next.updatedAt = now;
  return { ctx: next, emitted };
}

/** Add a hold of `quantity` for `orderId` until `now + holdMs`. The caller checked stock and limits. */
export function reserveHold(ctx: TicketClassContext, orderId: string, quantity: number, holdMs: number, now: number): Step {
  const expiresAt = now + holdMs;
  const next: TicketClassContext = {
    ...ctx,
    holds: bmSet(ctx.holds, orderId, packHold({ quantity, expiresAt })),
    holdsCount: ctx.holdsCount + 1,
    reserved: ctx.reserved + quantity,
    nextExpiryAt: ctx.nextExpiryAt === undefined ? expiresAt : Math.min(ctx.nextExpiryAt, expiresAt),
    updatedAt: now,
  };
  return { ctx: next, emitted: [{ type: T.Reserved, ...base(next, now), orderId, quantity, expiresAt }] };
}

/** Move a live hold's deadline to `max(expiresAt, now + holdMs)`; never shortens it. */
export function extendHold(ctx: TicketClassContext, orderId: string, holdMs: number, now: number): Step {
  const hold = holdOf(ctx, orderId);
  if (!hold) return { ctx, emitted: [] };
  const expiresAt = Math.max(hold.expiresAt, now + holdMs);
  // nextExpiryAt stays a valid lower bound: the deadline only moved later.
  const next = { ...ctx, holds: bmSet(ctx.holds, orderId, packHold({ ...hold, expiresAt })), updatedAt: now };
  return { ctx: next, emitted: [{ type: T.Extended, ...base(next, now), orderId, quantity: hold.quantity, expiresAt }] };
}

/** Turn the hold of `orderId` into sold tickets. */
export function confirmHold(ctx: TicketClassContext, orderId: string, now: number): Step {
  const hold = holdOf(ctx, orderId);
  if (!hold) return { ctx, emitted: [] };
  const next = {
    ...dropHold(ctx, orderId, hold),
    sold: ctx.sold + hold.quantity,
    soldOrders: ctx.soldOrders + 1,
    recent: remember(ctx.recent, orderId, { state: 'confirmed', quantity: hold.quantity }),
    updatedAt: now,
  };
  const fields = { orderId, quantity: hold.quantity, unitPriceMinor: ctx.priceMinor, currency: ctx.currency, sold: next.sold };
  return { ctx: next, emitted: [{ type: T.Confirmed, ...base(next, now), ...fields }] };
}

/** Give the hold of `orderId` back to stock. */
export function releaseHold(ctx: TicketClassContext, orderId: string, reason: ReleaseReason, now: number): Step {
  const hold = holdOf(ctx, orderId);
  if (!hold) return { ctx, emitted: [] };
  const next = {
    ...dropHold(ctx, orderId, hold),
    recent: remember(ctx.recent, orderId, { state: 'released', quantity: hold.quantity, reason }),
    updatedAt: now,
  };
  return { ctx: next, emitted: [{ type: T.Released, ...base(next, now), orderId, quantity: hold.quantity, reason }] };
}

function dropHold(ctx: TicketClassContext, orderId: string, hold: Hold): TicketClassContext {
  const holdsCount = ctx.holdsCount - 1;
  // nextExpiryAt stays a lower bound; an early timer.fired is harmless (sweep is idempotent).
  return {
    ...ctx,
    holds: bmDelete(ctx.holds, orderId),
    holdsCount,
    reserved: ctx.reserved - hold.quantity,
    ...(holdsCount === 0 ? { nextExpiryAt: undefined } : {}),
  };
}

/** Apply `update` fields; the caller checked `total ≥ reserved + sold` and the sale window. */
export function applyChanges(ctx: TicketClassContext, changes: TicketClassChanges, now: number): Step {
  const next: TicketClassContext = { ...ctx, updatedAt: now };
  const changed: string[] = [];
  for (const key of ['name', 'priceMinor', 'total', 'holdTtlMs', 'maxPerOrder'] as const) {
    const value = changes[key];
    if (value !== undefined && value !== ctx[key]) {
      (next as unknown as Record<string, unknown>)[key] = value;
      changed.push(key);
    }
  }
  for (const key of ['saleStartsAt', 'saleEndsAt'] as const) {
    const value = changes[key];
    if (value === undefined || (value ?? undefined) === ctx[key]) continue;
    // Cleared to undefined, not deleted: XState's assign merges into the old context.
    next[key] = value ?? undefined;
    changed.push(key);
  }
  if (changed.length === 0) return { ctx, emitted: [] };
  return { ctx: next, emitted: [{ type: T.Updated, ...base(next, now), ...catalogOf(next), changed }] };
}

/** The catalog fields every `created`/`updated` event carries. */
export function catalogOf(ctx: TicketClassContext) {
  return {
    name: ctx.name,
    priceMinor: ctx.priceMinor,
    currency: ctx.currency,
    total: ctx.total,
    ...(ctx.saleStartsAt !== undefined ? { saleStartsAt: ctx.saleStartsAt } : {}),
    ...(ctx.saleEndsAt !== undefined ? { saleEndsAt: ctx.saleEndsAt } : {}),
  };
}

/** The event announcing that the stock entered `state`. */
const STOCK_EVENT = { inStock: T.BackInStock, allHeld: T.AllHeld, soldOut: T.SoldOut } as const;

/**
 * Run one command's change as a step: expire due holds, apply `change`, then emit the stock
 * state it entered, if it changed (not while closed: a closed class sells nothing):
 * `allHeld` (nothing available, some held), `soldOut` (every ticket sold), `backInStock`.
 */
export function settle(ctx: TicketClassContext, now: number, open: boolean, change?: (c: TicketClassContext) => Step): Step {
  const before = stockStateOf(ctx);
  const swept = sweep(ctx, now);
  const changed = change ? change(swept.ctx) : { ctx: swept.ctx, emitted: [] };
  const after = stockStateOf(changed.ctx);
  const emitted = [...swept.emitted, ...changed.emitted];
  if (open && before !== after) emitted.push({ type: STOCK_EVENT[after], ...base(changed.ctx, now) });
  return { ctx: changed.ctx, emitted };
}
