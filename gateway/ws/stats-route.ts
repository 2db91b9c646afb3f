/**
 * @module gateway/ws/stats-route
 * `GET /internal/ws/stats`: the queue stream's counters plus this process's CPU time and RSS,
 * as JSON, for operators and `npm run bench:queue` (CPU per delivered frame). Counts only: no
 * user, token or event data. Hidden from the OpenAPI document, like `/metrics`.
 */
import { Type } from '../../contracts/index.js';
import { defineRoute } from '../route.js';
import type { AnyRoute } from '../types.js';
import type { QueueStreamStats } from './queue-stream.js';

/** The path of the stats endpoint. */
export const WS_STATS_PATH = '/internal/ws/stats';

/** What the endpoint answers. */
export interface WsStatsBody extends QueueStreamStats {
  pid: number;
  /** `process.cpuUsage()` since start, microseconds. */
  cpuUserUs: number;
  cpuSystemUs: number;
  rssBytes: number;
  at: number;
}

/** The stats route over `stats()` (the stream's counters). */
export function wsStatsRoute(stats: () => QueueStreamStats): AnyRoute {
  return defineRoute({
    method: 'GET',
    path: WS_STATS_PATH,
    summary: 'Queue stream counters, CPU and RSS',
    tags: ['system'],
    auth: 'none',
    hidden: true,
    responses: { 200: Type.Object({}, { additionalProperties: true }) },
    handler: () => {
      const cpu = process.cpuUsage();
      const body: WsStatsBody = {
        ...stats(),
        pid: process.pid,
        cpuUserUs: cpu.user,
        cpuSystemUs: cpu.system,
        rssBytes: process.memoryUsage.rss(),
        at: Date.now(),
      };
      return { body };
    },
  });
}
