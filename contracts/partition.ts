/**
 * @module contracts/partition
 * The stable map `kind.id → partition` (Akka's shard id extractor). Every node and every client
 * must compute the same partition for the same actor, forever: the hash is FNV-1a 32-bit over
 * the UTF-8 bytes of `kind.id`, which is fixed here and covered by a golden-value test.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const utf8 = new TextEncoder();

/** FNV-1a 32-bit of a string's UTF-8 bytes, as an unsigned integer. */
export function fnv1a32(text: string): number {
  let h = FNV_OFFSET;
  // Actor addresses are ASCII (see subjects.ts), where a char code is its UTF-8 byte: hash them
  // without allocating (this runs on every command); anything else goes through the encoder.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return fnv1a32Bytes(utf8.encode(text));
    h ^= c;
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h >>> 0;
}

function fnv1a32Bytes(bytes: Uint8Array): number {
  let h = FNV_OFFSET;
  for (const byte of bytes) {
    h ^= byte;
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h >>> 0;
}

/** The partition (0 … partitions-1) that owns actor `kind.id`. */
export function partitionOf(kind: string, id: string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`partitions must be a positive integer, got ${partitions}`);
  return fnv1a32(`${kind}.${id}`) % partitions;
}
