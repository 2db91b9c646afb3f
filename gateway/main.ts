/**
 * @module gateway/main
 * The gateway process: load config, refuse to start without native uWebSockets.js, connect to
 * NATS, serve the built-in and application routes on `httpHost:httpPort`, and shut down
 * gracefully on SIGTERM/SIGINT (stop accepting, finish in-flight requests, drain NATS, exit 0).
 * Start-up failures log and exit 1.
 */
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { loadConfig } from '../config/index.js';
import { assertNativeUws } from './adapter/uws/index.js';
import { createGateway } from './app.js';
import { routes } from './routes/index.js';

const config = loadConfig();
const log = pino({
  level: config.logLevel,
  base: { svc: 'gateway', pid: process.pid },
  // Defence in depth: nothing should log these, but if something does, they are masked.
  redact: ['req.headers.authorization', '*.authorization', '*.password', '*.token', '*.accessToken', '*.refreshToken'],
});

async function main(): Promise<void> {
  assertNativeUws();
  const nc = await connect({ servers: config.natsUrl.split(','), name: `gateway-${process.pid}`, maxReconnectAttempts: -1 });
  const gateway = createGateway({ config, log, nc, routes });
  const port = await gateway.listen(config.httpHost, config.httpPort);
  log.info({ host: config.httpHost, port }, 'gateway listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'gateway shutting down');
    gateway.close().then(
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
