/**
 * @module platform/log
 * The one log schema of every TicketBottle process (docs/observability.md). Every line is pino
 * JSON with these fields, and no other process-level names:
 * - `service`: the process kind (`gateway`, `actor-node`, `order-saga`, …; the `SERVICES` table);
 * - `instance`: which of several processes of that kind on one host (`TB_INSTANCE`, 0 when alone);
 * - `pid`, `hostname`: pino's own, once;
 * - `module`: the part of the process that logged (`queue`, `payments`, `order-history`, …);
 * - `node`: an actor node's id; `reqId`: the correlation id of one HTTP request, carried on NATS
 *   in the `tb-request-id` header and on domain events as `requestId` (kept verbatim on the wire);
 * - `err`: an error (pino's serializer), `msg`, `level`, `time`.
 * A child logger adds fields its parent does not have: never `pid` or `reqId` twice.
 */
import { hostname } from 'node:os';
import { pino, type Logger, type LoggerOptions } from 'pino';

/** The field names, for code that builds log objects by name. */
export const LOG_FIELDS = {
  service: 'service',
  instance: 'instance',
  module: 'module',
  node: 'node',
  reqId: 'reqId',
} as const;

/** Paths masked in every process: nothing should log these, and if something does, they are hidden. */
export const LOG_REDACT = ['req.headers.authorization', '*.authorization', '*.password', '*.token', '*.accessToken', '*.refreshToken'];

/** The root logger of process `service`, with the schema's base fields. */
export function createLogger(service: string, o: { level: string; instance?: number; options?: LoggerOptions }): Logger {
  return pino({
    level: o.level,
    base: { service, ...(o.instance ? { instance: o.instance } : {}), pid: process.pid, hostname: hostname() },
    redact: LOG_REDACT,
    ...o.options,
  });
}

/** A logger for one part of a process: adds `module`. */
export function moduleLogger(log: Logger, module: string): Logger {
  return log.child({ module });
}
