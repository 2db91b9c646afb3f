/**
 * @module tools/rehearse/invariants
 * The checks at the end of a rehearsal, each from the system's own state, never from what the
 * buyers believe happened: the ticket classes' staff view (`sold`, `reserved`, `holdsCount`),
 * the sales route (the order-history projection of COMPLETED orders), each paid order as its
 * actor reports it, the queue's public view (slots, revealed seed) and its `TB_EVENTS` history
 * (`joined`, `ready`, `advanced`). The buyers' records only say which orders were paid.
 */
import { positionOf, seedHashOf } from '../../contracts/kinds/queue.js';
import type { Api } from './http.js';
import { admissionWaves, readQueueHistory } from './queue-events.js';
import type { Sale } from './setup.js';
import { kendallTau } from './stats.js';
import type { BuyerRecord } from './types.js';
import { sleep } from '../../platform/index.js';

/** One invariant's verdict and the evidence behind it. */
export interface Verdict {
  ok: boolean;
  detail: string;
}

/** Every invariant, by name. */
export interface Verdicts {
  sold_equals_completed_lines: Verdict;
  no_hold_past_deadline: Verdict;
  no_slot_leaked: Verdict;
  no_double_admission: Verdict;
  paid_orders_completed: Verdict;
  /** Every order whose money could not buy its tickets (refundRequired / a refund) got it back: REFUNDED. */
  refunds_equal_flagged: Verdict;
  fifo_after_opening: Verdict;
  pre_queue_seed_order: Verdict;
  /** Tickets issued (PostgreSQL `tickets`) == tickets sold; judged by `checkin.ts` after the sale. */
  tickets_issued_equal_sold: Verdict;
  /** Every ticket scanned at every gate at once: exactly one accepted, the rest CHECKIN_ALREADY (`checkin.ts`). */
  checked_in_once: Verdict;
}

/** The invariants judged from the sale itself (the check-in phase judges the other two). */
export type SaleVerdicts = Omit<Verdicts, 'tickets_issued_equal_sold' | 'checked_in_once'>;

type Tc = { classId: string; total: number; sold: number; reserved: number; holdsCount: number };

/** Wait (up to `settleMs`) for deadlines to pass and projections to catch up, then judge. */
export async function checkInvariants(
  api: Api,
  sale: Sale,
  records: BuyerRecord[],
  o: { natsUrl?: string | undefined; maxConcurrent: number; maxSlotsSeen: number; settleMs: number; log: (m: string) => void },
): Promise<SaleVerdicts> {
  const auth = { token: sale.organizer.token };
  const paid = records.flatMap((r) =>
    r.orders.filter((a) => a.outcome === 'completed' && a.providerTxnId).map((a) => ({ a, token: recordsToken.get(r.userId) })),
  );
  const until = Date.now() + o.settleMs;
  let classes: Tc[] = [];
  let sales = new Map<string, number>();
  let queue: Record<string, any> = {};
  let orderViews: Array<
    | { status: string; refundRequired?: boolean; refund?: { status: string }; lines: Array<{ classId: string; quantity: number }> }
    | undefined
  > = [];
  for (let round = 0; ; round++) {
    classes = ((await api('GET', `/api/v1/events/${sale.eventId}/ticket-classes`, auth)).body?.items ?? []) as Tc[];
    const s = await api('GET', `/api/v1/events/${sale.eventId}/sales`, auth);
    sales = new Map(((s.body?.classes ?? []) as Array<{ classId: string; ticketsSold: number }>).map((c) => [c.classId, c.ticketsSold]));
    queue = (await api('GET', `/api/v1/events/${sale.eventId}/queue`)).body ?? {};
    const settled =
      classes.every((c) => c.reserved === 0 && c.holdsCount === 0 && (sales.get(c.classId) ?? 0) === c.sold) && queue['slotsInUse'] === 0;
    if (settled || Date.now() > until) break;
    if (round % 5 === 0)
      o.log(
        `settling: reserved ${classes.reduce((n, c) => n + c.reserved, 0)}, slots in use ${queue['slotsInUse']}, sold ${classes.reduce((n, c) => n + c.sold, 0)} / in sales ${[...sales.values()].reduce((a, b) => a + b, 0)}`,
      );
    await sleep(2_000);
  }
  // Every order the buyers created, as its actor reports it now.
  const all = records.flatMap((r) => r.orders.map((a) => ({ a, token: recordsToken.get(r.userId) })));
  orderViews = [];
  for (let i = 0; i < all.length; i += 64) {
    orderViews.push(
      ...(await Promise.all(
        all.slice(i, i + 64).map(async ({ a, token }) => (await api('GET', `/api/v1/orders/${a.orderId}`, { token })).body),
      )),
    );
  }
  const completedLines = new Map<string, number>();
  for (const v of orderViews)
    if (v?.status === 'COMPLETED' && !v.refundRequired)
      for (const l of v.lines) completedLines.set(l.classId, (completedLines.get(l.classId) ?? 0) + l.quantity);
  const soldBad = classes.filter(
    (c) => c.sold > c.total || c.sold !== (sales.get(c.classId) ?? 0) || c.sold !== (completedLines.get(c.classId) ?? 0),
  );
  const paidIdx = new Set(paid.map((p) => p.a.orderId));
  const paidBad = all
    .map((x, i) => ({ x, v: orderViews[i] }))
    .filter(
      ({ x, v }) => paidIdx.has(x.a.orderId) && x.a.outcome === 'completed' && !(v?.status === 'COMPLETED' || v?.refundRequired === true),
    );

  // Refunds run after the sale settles (provider round trip): give flagged orders the rest of the settle time.
  const flaggedIdx = orderViews.flatMap((ov, i) => (ov?.refundRequired || ov?.refund ? [i] : []));
  while (flaggedIdx.some((i) => orderViews[i]?.refund?.status !== 'REFUNDED') && Date.now() < until + 30_000) {
    await sleep(1_000);
    for (const i of flaggedIdx)
      if (orderViews[i]?.refund?.status !== 'REFUNDED')
        orderViews[i] = (await api('GET', `/api/v1/orders/${all[i]!.a.orderId}`, { token: all[i]!.token })).body;
  }
  const refundedCount = flaggedIdx.filter((i) => orderViews[i]?.refund?.status === 'REFUNDED').length;

  const v: Partial<SaleVerdicts> = {
    refunds_equal_flagged: {
      ok: refundedCount === flaggedIdx.length,
      detail: `${flaggedIdx.length} orders whose payment could not buy their tickets, ${refundedCount} REFUNDED`,
    },
    sold_equals_completed_lines: {
      ok: classes.length === sale.classIds.length && soldBad.length === 0,
      detail: classes
        .map(
          (c) =>
            `${c.classId}: sold ${c.sold}/${c.total}, sales route ${sales.get(c.classId) ?? 0}, completed order lines ${completedLines.get(c.classId) ?? 0}`,
        )
        .join('; '),
    },
    no_hold_past_deadline: {
      ok: classes.every((c) => c.reserved === 0 && c.holdsCount === 0),
      detail: `after every order's deadline: reserved ${classes.map((c) => c.reserved).join('+')}, holds ${classes.map((c) => c.holdsCount).join('+')}`,
    },
    paid_orders_completed: {
      ok: paidBad.length === 0,
      detail: `${paid.length} paid orders; not COMPLETED nor flagged: ${
        paidBad
          .slice(0, 5)
          .map(({ x, v: ov }) => `${x.a.orderId}=${ov?.status}`)
          .join(', ') || 'none'
      }`,
    },
  };
  v.no_slot_leaked = {
    ok: queue['slotsInUse'] === 0 && o.maxSlotsSeen <= o.maxConcurrent,
    detail: `slots in use at the end ${queue['slotsInUse']}, most seen ${o.maxSlotsSeen} ≤ maxConcurrent ${o.maxConcurrent}`,
  };
  if (!o.natsUrl) {
    const skip = { ok: false, detail: 'not checked: no NATS URL to read TB_EVENTS (pass --nats with --gateway)' };
    return { ...v, no_double_admission: skip, fifo_after_opening: skip, pre_queue_seed_order: skip } as SaleVerdicts;
  }
  const { events, duplicates } = await readQueueHistory(o.natsUrl, sale.eventId);
  const ticketOf = new Map<string, number>();
  for (const e of events) if (e.type === 'queue.joined') ticketOf.set(String(e.data['userId']), Number(e.data['ticket']));
  const ready = events.filter((e) => e.type === 'queue.ready');
  const perUser = new Map<string, number>();
  for (const e of ready) perUser.set(String(e.data['userId']), (perUser.get(String(e.data['userId'])) ?? 0) + 1);
  const twice = [...perUser].filter(([, n]) => n > 1);
  const positions = new Set(ready.map((e) => Number(e.data['position'])));
  v.no_double_admission = {
    ok: twice.length === 0 && positions.size === ready.length,
    detail: `${ready.length} admissions (queue.ready, ${duplicates} duplicate deliveries dropped), ${perUser.size} users, ${twice.length} admitted twice`,
  };

  const P = Number(queue['preQueueSize'] ?? 0);
  const seed = String(queue['seed'] ?? '');
  const created = events.find((e) => e.type === 'queue.created');
  const seedOk = seed !== '' && seedHashOf(seed) === queue['seedHash'] && (!created || created.data['seedHash'] === queue['seedHash']);
  const wave = admissionWaves(events);
  const admitted = ready.map((e) => ({ ticket: ticketOf.get(String(e.data['userId'])) ?? -1, position: Number(e.data['position']) }));
  const misplaced = seedOk
    ? admitted.filter((x) => x.ticket < 1 || positionOf(x.ticket, { preQueueSize: P, seed }) !== x.position)
    : admitted;
  const post = admitted.filter((x) => x.ticket > P).sort((a, b) => a.ticket - b.ticket);
  const pre = seedOk
    ? admitted
        .filter((x) => x.ticket >= 1 && x.ticket <= P)
        .sort((a, b) => positionOf(a.ticket, { preQueueSize: P, seed }) - positionOf(b.ticket, { preQueueSize: P, seed }))
    : [];
  const tauPost = kendallTau(post.map((x) => wave(x.position)));
  const tauPre = kendallTau(pre.map((x) => wave(x.position)));
  const lastPreWave = Math.max(-1, ...pre.map((x) => wave(x.position)));
  const firstPostWave = Math.min(Number.MAX_SAFE_INTEGER, ...post.map((x) => wave(x.position)));
  const preFirst = pre.every((x) => x.position <= P) && post.every((x) => x.position > P) && lastPreWave <= firstPostWave;
  v.fifo_after_opening = {
    ok: tauPost.tau === 1 && post.every((x) => x.position === x.ticket),
    detail: `${post.length} admitted after opening: Kendall τ(join order, admission order) = ${tauPost.tau.toFixed(4)} (${tauPost.discordant} discordant pairs, ${tauPost.tied} in the same wave)`,
  };
  v.pre_queue_seed_order = {
    ok: seedOk && misplaced.length === 0 && tauPre.tau === 1 && preFirst,
    detail: `P = ${P}, seed ${seedOk ? 'matches its published hash' : 'MISSING or does not match seedHash'}; ${pre.length} pre-queue admissions, τ vs positionOf order = ${tauPre.tau.toFixed(4)}, ${misplaced.length} positions ≠ positionOf(ticket), pre-queue called first: ${preFirst}`,
  };
  return v as SaleVerdicts;
}

/** userId → access token, filled by the driver (tokens are not in the buyers' records). */
export const recordsToken = new Map<string, string>();
