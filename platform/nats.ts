/**
 * @module platform/nats
 * How every TicketBottle process connects to NATS: the servers and credentials of the config
 * (`natsConnectOptions`, config/production.ts), plus the connection behaviour all share.
 */
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { natsConnectOptions, type Config } from '../config/index.js';
// For its effect: no Error built after every answered request (see the module).
import './nats-request-patch.js';

/**
 * What every long-running process adds to `connect()`: reconnect forever, 250 ms apart (a NATS
 * restart must not kill the fleet), and `noAsyncTraces` (nats.js otherwise captures a stack per
 * request: measured at 17 % of a hot actor node's CPU).
 */
export const NATS_CONNECT_DEFAULTS = { maxReconnectAttempts: -1, reconnectTimeWait: 250, noAsyncTraces: true } as const;

/** The full `connect()` options of process `name` (the NATS client name shows in `nats server report connections`). */
export function serviceConnectOptions(config: Pick<Config, 'natsUrl' | 'natsUser' | 'natsPassword'>, name: string) {
  return { ...natsConnectOptions(config, name), ...NATS_CONNECT_DEFAULTS };
}

/** Connect process `name` with the shared options. */
export function connectNats(config: Pick<Config, 'natsUrl' | 'natsUser' | 'natsPassword'>, name: string): Promise<NatsConnection> {
  return connect(serviceConnectOptions(config, name));
}
