/**
 * @module gateway/ws/correction-wheel
 * Staggered periodic work per socket (the exact-status correction): the period is cut into
 * slots of `tickMs`, each socket is put in a random slot, and every tick visits one slot. So
 * 15,000 sockets with a 10 s period cost 150 visits per 100 ms tick, evenly, instead of one
 * timer per socket or a burst every 10 s.
 */

/** A timing wheel visiting each member once per period. */
export class CorrectionWheel<T extends { slot: number }> {
  private readonly slots: Set<T>[];
  private next = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  /**
   * @param periodMs how often each member is visited
   * @param visit called for each member of the slot due; must not throw
   * @param tickMs slot width (default 100 ms)
   */
  constructor(
    periodMs: number,
    private readonly visit: (member: T) => void,
    private readonly tickMs = 100,
  ) {
    const n = Math.max(1, Math.round(periodMs / tickMs));
    this.slots = Array.from({ length: n }, () => new Set<T>());
  }

  /** Number of slots (period / tick). */
  get slotCount(): number {
    return this.slots.length;
  }

  /** Add a member in a random slot (staggering); starts the timer on the first member. */
  add(member: T, random: () => number = Math.random): void {
    member.slot = Math.floor(random() * this.slots.length) % this.slots.length;
    this.slots[member.slot]!.add(member);
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), this.tickMs);
      this.timer.unref?.();
    }
  }

  remove(member: T): void {
    this.slots[member.slot]?.delete(member);
  }

  /** Visit the next slot (called by the timer; public for tests). */
  tick(): void {
    const slot = this.slots[this.next]!;
    this.next = (this.next + 1) % this.slots.length;
    for (const member of slot) this.visit(member);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
