/**
 * @module accounts/user-cache
 * A short-lived, bounded memory of "this user is live and has these roles", so that verifying an
 * access token does not cost a PostgreSQL query on every request of a flash sale. The token's
 * signature and expiry are still checked on every request; only the database lookup is cached.
 * Trade-off (documented in the README): a deleted account or a role change reaches another
 * gateway process after at most `ttlMs`; in this process it applies at once (`forget`).
 */

interface Entry {
  roles: string[] | null; // null: the user is not live (deleted or unknown)
  at: number;
}

export class LiveUserCache {
  private readonly map = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 100_000,
  ) {}

  /** The cached answer, or undefined when there is none younger than the TTL. */
  get(userId: string, now: number): { roles: string[] | null } | undefined {
    const e = this.map.get(userId);
    if (!e) return undefined;
    if (now - e.at >= this.ttlMs) {
      this.map.delete(userId);
      return undefined;
    }
    return { roles: e.roles };
  }

  set(userId: string, roles: string[] | null, now: number): void {
    if (this.ttlMs <= 0) return;
    this.map.delete(userId);
    this.map.set(userId, { roles, at: now });
    // Map iteration is insertion order: evict the oldest beyond the bound.
    while (this.map.size > this.maxEntries) this.map.delete(this.map.keys().next().value!);
  }

  /** Drop a user at once (their account or roles changed in this process). */
  forget(userId: string): void {
    this.map.delete(userId);
  }
}
