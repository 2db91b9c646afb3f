/**
 * @module tools/rehearse/types
 * The shapes passed between the rehearsal's driver and its buyer worker processes (over the
 * worker's IPC channel, as plain JSON), and the samples the driver takes of the system while
 * the sale runs. Types only.
 */

/** What one buyer will do; decided by the driver from the seeded random choices. */
export interface BuyerPlan {
  userId: string;
  token: string;
  /** When to open the WebSocket (ms since the epoch). */
  arriveAt: number;
  /** Leave the queue after this long if not admitted by then. */
  abandonQueueAfterMs?: number;
  /** On abandoning: say so (`POST …/queue/leave`) rather than just vanish. */
  leaveOnAbandon: boolean;
  abandonCheckout: boolean;
  failPayment: boolean;
  retry: boolean;
  /** Index of the preferred ticket class. */
  classPref: number;
  /** Do not start after this time (the run's hard deadline). */
  deadline: number;
}

/** One order a buyer placed, as the buyer saw it. */
export interface OrderAttempt {
  orderId: string;
  code: string;
  classId: string;
  orderMs: number;
  status: string;
  outcome: 'completed' | 'failed' | 'none';
  payAt?: number;
  finalAt?: number;
  providerTxnId?: string;
  refundRequired?: boolean;
  /** The sandbox API's answer (kept to replay the callback). */
  paid?: Record<string, unknown>;
}

/** How a buyer's story ended. */
export type BuyerOutcome = 'bought' | 'abandonedQueue' | 'abandonedCheckout' | 'paymentFailed' | 'soldOut' | 'stopped' | 'error';

/** Everything a buyer observed. */
export interface BuyerRecord {
  userId: string;
  state: 'arriving' | 'queued' | 'checkout' | 'done';
  joinStart?: number;
  joinedAt?: number;
  ticket?: number;
  position?: number;
  etaPredictedSec?: number;
  etaAt?: number;
  /**
   * Every ETA shown while waiting after the opening: [when (ms), `estimatedWaitSec`], one per
   * status frame that had one, plus `true` when that status also said `likelySoldOut`.
   */
  etas?: Array<[number, number, true?]>;
  admittedAt?: number;
  joinErrors: number[];
  /** Queue sockets that opened and then closed before the buyer was done with them (each reconnected). */
  dropped?: number;
  abandonedQueue?: boolean;
  /** When the checkout slot (and its token) ends, as the admission said. */
  slotEndsAt?: number;
  /** Times this buyer waited for held tickets to come back (`INVENTORY_ALL_HELD` → wait until `retryAt`). */
  heldWaits?: number;
  /** Gave up waiting for held tickets (wait budget or slot spent): recorded as `soldOut`. */
  heldGaveUp?: boolean;
  stopped?: boolean;
  orders: OrderAttempt[];
  outcome?: BuyerOutcome;
  error?: string;
}

/** Live counters a worker reports every half second. */
export interface WorkerCounts {
  arriving: number;
  queued: number;
  checkout: number;
  admitted: number;
  done: number;
  sold: number;
  failed: number;
}

/** Driver → worker. */
export type ToWorker =
  | {
      t: 'start';
      gatewayUrl: string;
      eventId: string;
      classIds: string[];
      opensAt: number;
      sandboxSecret?: string;
      duplicateCallbacks: boolean;
      wsClient?: 'bare' | 'page';
      plans: BuyerPlan[];
    }
  | { t: 'stop' };

/** Worker → driver. */
export type FromWorker = { t: 'counts'; counts: WorkerCounts } | { t: 'records'; records: BuyerRecord[]; cpuS: number };

/** One sample of the system's public state, taken by the driver once a second. */
export interface Sample {
  at: number;
  joined: number;
  cursor: number;
  queueLength: number;
  slotsInUse: number;
  admitted: number;
  available: number;
  sold: number;
  reserved: number;
  counts: WorkerCounts;
}
