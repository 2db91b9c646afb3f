/**
 * @module gateway/ws/position-heap
 * An indexed binary min-heap of items keyed by queue position, so the sockets whose turn has
 * come are found in O(k log n) when the cursor moves, and a socket can be re-keyed or removed
 * in O(log n). Invariant: an item is in the heap at most once.
 */

/** Min-heap of `T` by numeric key, with membership and removal. */
export class PositionHeap<T> {
  private readonly items: T[] = [];
  private readonly keys: number[] = [];
  private readonly index = new Map<T, number>();

  get size(): number {
    return this.items.length;
  }

  has(item: T): boolean {
    return this.index.has(item);
  }

  /** Insert `item` with `key`, or re-key it when already present. */
  push(item: T, key: number): void {
    const at = this.index.get(item);
    if (at !== undefined) {
      const old = this.keys[at]!;
      this.keys[at] = key;
      if (key < old) this.up(at);
      else this.down(at);
      return;
    }
    this.items.push(item);
    this.keys.push(key);
    this.index.set(item, this.items.length - 1);
    this.up(this.items.length - 1);
  }

  /** The item with the smallest key, without removing it. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Remove and return the item with the smallest key. */
  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.removeAt(0);
    return top;
  }

  /** Remove `item` if present. */
  delete(item: T): boolean {
    const at = this.index.get(item);
    if (at === undefined) return false;
    this.removeAt(at);
    return true;
  }

  private removeAt(i: number): void {
    const last = this.items.length - 1;
    this.index.delete(this.items[i]!);
    if (i !== last) {
      this.items[i] = this.items[last]!;
      this.keys[i] = this.keys[last]!;
      this.index.set(this.items[i]!, i);
    }
    this.items.pop();
    this.keys.pop();
    if (i < this.items.length) {
      this.up(i);
      this.down(i);
    }
  }

  private swap(a: number, b: number): void {
    [this.items[a], this.items[b]] = [this.items[b]!, this.items[a]!];
    [this.keys[a], this.keys[b]] = [this.keys[b]!, this.keys[a]!];
    this.index.set(this.items[a]!, a);
    this.index.set(this.items[b]!, b);
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.keys[p]! <= this.keys[i]!) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.keys[l]! < this.keys[m]!) m = l;
      if (r < n && this.keys[r]! < this.keys[m]!) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
