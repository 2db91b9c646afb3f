/**
 * @module gateway/main
 * The gateway process: load config, refuse to start without native uWebSockets.js, connect to
 * NATS and PostgreSQL (accounts, catalog listings, readiness), serve the built-in and application routes and
 * the waitroom's WebSocket stream (`gateway/ws`, docs/websocket.md) on `httpHost:httpPort`, `/metrics` and
 * `/internal/ws/stats` on the private admin listener `adminHost:adminPort`, and shut down gracefully on SIGTERM/SIGINT (stop accepting, finish
 * in-flight requests, drain NATS, close the database pool, exit 0). Start-up failures log and exit 1.
 */
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { composeGateway } from '../app/gateway.js';
import { loadConfig, natsConnectOptions, refuseUnsafeStart } from '../config/index.js';
import { createDb } from '../db/index.js';
import { assertNativeUws } from './adapter/uws/index.js';
import { createGateway } from './app.js';

const config = loadConfig();
refuseUnsafeStart(config, 'gateway');
const log = pino({
  level: config.logLevel,
  base: { svc: 'gateway', pid: process.pid },
  // Defence in depth: nothing should log these, but if something does, they are masked.
  redact: ['req.headers.authorization', '*.authorization', '*.password', '*.token', '*.accessToken', '*.refreshToken'],
});

async function main(): Promise<void> {
  assertNativeUws();
  const nc = await connect({ ...natsConnectOptions(config, `gateway-${process.pid}`), maxReconnectAttempts: -1, noAsyncTraces: true });
  const db = createDb(config.databaseUrl);
  // Every service of the gateway is built once, in the composition root.
  const parts = await composeGateway({ config, log, nc, db });
  const gateway = createGateway({ config, log, nc, ...parts.options });
  parts.attach(gateway);
  const port = await gateway.listen(config.httpHost, config.httpPort);
  if (config.adminPort >= 0) {
    const adminPort = await gateway.listenAdmin(config.adminHost, config.adminPort);
    log.info({ host: config.adminHost, port: adminPort }, 'gateway admin listener (metrics, ws stats)');
  }
  log.info({ host: config.httpHost, port }, 'gateway listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'gateway shutting down');
    parts.stopStreams();
    gateway.close().then(() => parts.close()).then(() => db.close()).then(
      () => {
        log.info('gateway stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'gateway shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  log.fatal({ err }, 'gateway failed to start');
  process.exit(1);
});
