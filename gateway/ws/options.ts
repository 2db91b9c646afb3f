/**
 * @module gateway/ws/options
 * The queue stream's tuning from the process config (`TB_WS_*`), with the floors that keep a
 * misconfiguration from turning into a busy loop (a correction period under 1 s, say).
 */
import type { Config } from '../../config/index.js';
import type { QueueStreamOptions } from './types.js';

/** Options from `config`, clamped to sane floors. */
export function queueStreamOptionsFrom(
  config: Pick<
    Config,
    | 'wsCorrectionMs'
    | 'wsCursorIntervalMs'
    | 'wsBackpressureBytes'
    | 'wsIdleTimeoutSec'
    | 'wsMaxInFlight'
    | 'wsUpgradeIpPerSec'
    | 'wsUpgradeIpBurst'
    | 'wsMaxSocketsPerUser'
  >,
): QueueStreamOptions {
  return {
    correctionMs: Math.max(1_000, config.wsCorrectionMs),
    cursorIntervalMs: Math.max(0, config.wsCursorIntervalMs),
    backpressureBytes: Math.max(1_024, config.wsBackpressureBytes),
    // uWS wants at least 8 s; 0 would disable the liveness check.
    idleTimeoutSec: Math.max(8, config.wsIdleTimeoutSec),
    maxInFlight: Math.max(1, config.wsMaxInFlight),
    upgradeIpPerSec: Math.max(0, config.wsUpgradeIpPerSec),
    upgradeIpBurst: Math.max(1, config.wsUpgradeIpBurst),
    maxSocketsPerUser: Math.max(0, config.wsMaxSocketsPerUser),
  };
}
