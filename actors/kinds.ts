/**
 * @module actors/kinds
 * The registry of actor kinds a production node serves. Adding a kind = one line here.
 */
import type { ActorKind } from './runtime/index.js';

export async function productionKinds(): Promise<ActorKind[]> {
  const kinds: ActorKind[] = [];
  // Kinds are loaded lazily so a kind folder that is not there yet does not stop the node.
  for (const [path, name] of [
    ['./event/index.js', 'eventKind'],
    ['./ticketclass/index.js', 'ticketclassKind'],
    ['./queue/index.js', 'queueKind'],
    ['./order/index.js', 'orderKind'],
    ['./ordercode/index.js', 'ordercodeKind'],
    ['./buyer/index.js', 'buyerKind'],
    ['./checkin/index.js', 'checkinKind'],
  ] as const) {
    try {
      const mod = (await import(path)) as Record<string, ActorKind>;
      if (mod[name]) kinds.push(mod[name]);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    }
  }
  return kinds;
}
