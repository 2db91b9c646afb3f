/**
 * @module actors/runtime/mailbox
 * An activation's ordered queue. Commands are appended as they arrive and drained in arrival
 * order, in slices of at most a few hundred so one hot actor never holds the event loop; what
 * queues while a write is in flight goes into the next write (group commit).
 * Bounded: past `capacity` new commands are refused (the caller answers `RUNTIME_OVERLOADED`).
 */
export class Mailbox<T> {
  private items: T[] = [];

  constructor(readonly capacity: number) {}

  /** Append; false when full. */
  offer(item: T): boolean {
    if (this.items.length >= this.capacity) return false;
    this.items.push(item);
    return true;
  }

  /** Take everything queued (or the oldest `max`), in arrival order. */
  drain(max = Number.POSITIVE_INFINITY): T[] {
    if (this.items.length <= max) {
      const out = this.items;
      this.items = [];
      return out;
    }
    return this.items.splice(0, max);
  }

  get size(): number {
    return this.items.length;
  }
}
