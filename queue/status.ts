/**
 * @module queue/status
 * What a user is told about their place: one pure function from their session (KV) and the
 * queue's view of their ticket (actor) to `queued` / `admitted` / `completed` / `expired` /
 * `left`, with the people ahead, the estimated wait (the queue's, see actors/queue/eta.ts), and
 * "likely sold out" when fewer tickets are left than people ahead.
 */
import { SessionState, type QueueView, type SlotOutcome } from '../contracts/kinds/queue.js';
import type { UserSession } from './sessions.js';

/** A user's status in one event's queue (REST `GET /queue/me`, and the WebSocket's first frame). */
export interface UserQueueStatus {
  eventId: string;
  sessionId: string;
  ticket: number;
  state: SessionState;
  /** `preQueue` until the sale opens (pre-queue positions are drawn at open), then `open`. */
  phase: 'preQueue' | 'open';
  /** Admission position; unknown for a pre-queue ticket until the sale opens. */
  position?: number;
  /** "Now serving": the highest position called so far. */
  cursor: number;
  ahead?: number;
  /**
   * Expected seconds until this position is called (given a checkout slot), from the slots held
   * now and the measured checkout times; absent while it cannot be known (docs/waitroom.md).
   */
  estimatedWaitSec?: number;
  /** Your position has been called: claim before `claimBy` (the gateway does it for connected users). */
  called?: boolean;
  claimBy?: number;
  token?: string;
  tokenExpiresAt?: number;
  /** How the session ended (for completed / expired / left). */
  outcome?: SlotOutcome | 'skipped';
  /** Every ticket is sold: waiting is pointless. */
  soldOut: boolean;
  /** Nothing available, but tickets are held by unpaid checkouts and may come back: admission waits; keep your place. */
  allHeld?: boolean;
  available?: number;
  /** Fewer tickets left than people ahead (or sold out). */
  likelySoldOut?: boolean;
  opensAt?: number;
  seedHash: string;
  seed?: string;
  preQueueSize?: number;
  admittedRate: number;
  at: number;
}

const TERMINAL: Record<string, SessionState> = {
  completed: SessionState.Completed,
  failed: SessionState.Completed,
  expired: SessionState.Expired,
  left: SessionState.Left,
  skipped: SessionState.Left,
};

/** What a status needs of a session: which one, its ticket, and an outcome already known. */
export type SessionRef = Pick<UserSession, 'sessionId' | 'ticket' | 'outcome'>;

/** The user's status from their session and the queue's view of their ticket (`view.you`). */
export function userStatusOf(session: SessionRef, view: QueueView, now: number): UserQueueStatus {
  const you = view.you;
  const base: UserQueueStatus = {
    eventId: view.eventId,
    sessionId: session.sessionId,
    ticket: session.ticket,
    state: SessionState.Queued,
    phase: view.phase,
    cursor: view.cursor,
    soldOut: view.soldOut,
    seedHash: view.seedHash,
    admittedRate: view.admittedRate,
    at: now,
    ...(view.available !== undefined ? { available: view.available } : {}),
    ...(view.allHeld ? { allHeld: true } : {}),
    ...(view.opensAt !== undefined ? { opensAt: view.opensAt } : {}),
    ...(view.seed !== undefined ? { seed: view.seed } : {}),
    ...(view.preQueueSize !== undefined ? { preQueueSize: view.preQueueSize } : {}),
    ...(you?.position !== undefined ? { position: you.position } : {}),
  };
  const slot = you?.slot;
  if (slot?.state === 'active' && slot.sessionId === session.sessionId) return { ...base, state: SessionState.Admitted, ahead: 0 };
  if (session.outcome === 'left' || session.outcome === 'skipped') return { ...base, state: SessionState.Left, outcome: session.outcome };
  if (slot?.state === 'called') return { ...base, ahead: 0, called: true, claimBy: slot.deadline };
  const outcome = you?.outcome ?? session.outcome;
  if (outcome) return { ...base, state: TERMINAL[outcome] ?? SessionState.Expired, outcome };
  if (you?.position !== undefined && (you.position <= view.cursor || slot))
    return { ...base, state: SessionState.Expired, outcome: 'expired' };
  if (you?.ahead === undefined) return base; // pre-queue before the sale opens
  const ahead = you.ahead;
  const status: UserQueueStatus = { ...base, ahead };
  // Expected seconds until this position is called (actors/queue/eta.ts); rounded up, so it still never rises.
  if (you.estimatedWaitMs !== undefined) status.estimatedWaitSec = Math.ceil(you.estimatedWaitMs / 1000);
  if (view.soldOut || (view.available !== undefined && view.available < ahead)) status.likelySoldOut = true;
  return status;
}
