/**
 * @module actors/runtime/allocation
 * Rendezvous (highest-random-weight) hashing: the pure function `(partition, liveNodes) → owner`
 * (Akka `ShardAllocationStrategy`, Orleans placement director). When a node joins or dies only
 * the partitions whose winner changes move, about 1/N of them.
 */
import { fnv1a32 } from '../../contracts/index.js';

/** 32-bit mix (murmur3 finaliser) so that similar node ids do not give correlated weights. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** The weight of `node` for `partition`; ties are broken by node id in `ownerOf`. */
export function weight(node: string, partition: number): number {
  return mix(fnv1a32(`${node}#${partition}`));
}

/**
 * The node that should own `partition`, or undefined when `nodes` is empty.
 * The candidates are sorted first so the result is deterministic whatever order the caller
 * learnt them in (every node must reach the same answer from the same live set).
 */
export function ownerOf(partition: number, nodes: readonly string[]): string | undefined {
  const sorted = [...new Set(nodes)].sort();
  let best: string | undefined;
  let bestWeight = -1;
  for (const node of sorted) {
    const w = weight(node, partition);
    if (w > bestWeight) {
      best = node;
      bestWeight = w;
    }
  }
  return best;
}

/** The full assignment: partition → owner, for `partitions` partitions. */
export function allocate(partitions: number, nodes: readonly string[]): (string | undefined)[] {
  return Array.from({ length: partitions }, (_, p) => ownerOf(p, nodes));
}
