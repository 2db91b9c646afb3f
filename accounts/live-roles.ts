/**
 * @module accounts/live-roles
 * Batched live-user lookups for access-token verification (the DataLoader pattern): every
 * lookup asked for in one turn of the event loop goes to PostgreSQL as one
 * `id = any($1)` query, and concurrent asks for the same user share it. In a rehearsal 20,000
 * buyers arriving at once each cost a query of their own; the pool's ten connections queued them
 * ahead of the checkout's payment transactions, and orders stalled behind sign-in checks.
 * Invariant: every ask is answered (roles, `null` for no live account, or the query's error).
 */
import { and, inArray, isNull } from 'drizzle-orm';
import { users, withDbErrors, type Db } from '../db/index.js';
import { isUuid } from './schemas.js';

type Waiter = { resolve: (roles: string[] | null) => void; reject: (err: unknown) => void };

/** Loads the platform roles of live users, batching concurrent asks. */
export class LiveRolesLoader {
  private pending = new Map<string, Waiter[]>();
  private scheduled = false;
  /** Queries sent so far (observability, tests). */
  queries = 0;

  constructor(
    private readonly db: Db,
    private readonly maxBatch = 1_000,
  ) {}

  /** The roles of live user `userId`, or null when there is no live account with that id. */
  load(userId: string): Promise<string[] | null> {
    if (!isUuid(userId)) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const waiters = this.pending.get(userId);
      if (waiters) waiters.push({ resolve, reject });
      else this.pending.set(userId, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    while (this.pending.size > 0) {
      const batch = new Map<string, Waiter[]>();
      for (const [id, w] of this.pending) {
        batch.set(id, w);
        this.pending.delete(id);
        if (batch.size >= this.maxBatch) break;
      }
      void this.run(batch);
    }
  }

  private async run(batch: Map<string, Waiter[]>): Promise<void> {
    this.queries++;
    try {
      const rows = await withDbErrors(() =>
        this.db
          .select({ id: users.id, platformRoles: users.platformRoles })
          .from(users)
          .where(and(inArray(users.id, [...batch.keys()]), isNull(users.deletedAt))),
      );
      const found = new Map(rows.map((r) => [r.id, [...r.platformRoles]]));
      for (const [id, waiters] of batch) for (const w of waiters) w.resolve(found.get(id) ?? null);
    } catch (err) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
    }
  }
}
