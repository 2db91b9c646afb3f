/**
 * @module gateway/ws/console-types
 * The organizer's live sale console stream (`/api/v1/events/:eventId/console/ws`): the one frame
 * it sends, once a second per event, to every console of that event on a gateway. Shared with the
 * pages (`web/src/pages/console.tsx` imports these types).
 */

/** One ticket class as the console shows it (live, from the `ticketclass` actor). */
export interface ConsoleClass {
  classId: string;
  name: string;
  total: number;
  sold: number;
  reserved: number;
  available: number;
  status: string;
}

/** The waitroom's counters (absent when the event has no waitroom yet). */
export interface ConsoleQueue {
  phase: 'preQueue' | 'open';
  joined: number;
  cursor: number;
  /** People still waiting: tickets given minus positions called. */
  waiting: number;
  slotsInUse: number;
  maxConcurrent: number;
  admitted: number;
  /** The queue's own decayed admission rate (τ = 30 s). */
  admittedRate: number;
  soldOut: boolean;
  paused: boolean;
  available?: number;
}

/** One console frame (JSON text). Rates are measured between two frames of this gateway. */
export interface ConsoleFrame {
  t: 'console';
  eventId: string;
  at: number;
  queue?: ConsoleQueue;
  classes: ConsoleClass[];
  /** Admissions per second since the previous frame. */
  admissionsPerSec: number;
  /** Tickets sold per second since the previous frame. */
  salesPerSec: number;
  /** Orders failed by their payment since this gateway started watching the event. */
  paymentFailures: number;
  /**
   * The wait the queue predicts for the person who just joined last (`waiting / admittedRate`),
   * and for an earlier such prediction whose position has since been called: what was predicted
   * and what it really took.
   */
  eta: { predictedSec?: number; checked?: { predictedSec: number; actualSec: number; position: number } };
}

/** A console error frame; the server closes after it. */
export interface ConsoleErrorFrame {
  t: 'error';
  code: string;
  message: string;
}
