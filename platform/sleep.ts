/**
 * @module platform/sleep
 * The one `sleep`: Node's promise timer, optionally abortable. (It was written out seven times.)
 */
import { setTimeout as delay } from 'node:timers/promises';

/** Resolve after `ms` milliseconds; rejects with an `AbortError` when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, signal ? { signal } : undefined);
}
