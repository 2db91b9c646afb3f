/**
 * @module gateway/main
 * The gateway process: load config, refuse to start without native uWebSockets.js, connect to
 * NATS and PostgreSQL (accounts, catalog listings, readiness), serve the built-in and application routes and
 * the waitroom's WebSocket stream (`gateway/ws`, docs/websocket.md) on `httpHost:httpPort`, `/metrics` and
 * `/internal/ws/stats` on the private admin listener `TB_ADMIN_HOST` : 9180 (+ 10 × TB_INSTANCE), and shut down gracefully on SIGTERM/SIGINT (stop accepting, finish
 * in-flight requests, drain NATS, close the database pool, exit 0); the lifecycle is `runService`'s. Start-up failures log and exit 1.
 */
import { composeGateway } from '../app/index.js';
import { createDb } from '../db/index.js';
import { runService } from '../platform/index.js';
import { assertNativeUws } from './adapter/uws/index.js';
import { createGateway } from './app.js';

await runService({
  kind: 'gateway',
  // The gateway's uWS app serves its own admin listener (metrics and ws stats too).
  admin: false,
  async start({ config, log, nc, adminPort }) {
    assertNativeUws();
    const db = createDb(config.databaseUrl);
    // Every service of the gateway is built once, in the composition root.
    const parts = await composeGateway({ config, log, nc, db });
    const gateway = createGateway({ config, log, nc, ...parts.options });
    parts.attach(gateway);
    const port = await gateway.listen(config.httpHost, config.httpPort);
    const boundAdmin = adminPort >= 0 ? await gateway.listenAdmin(config.adminHost, adminPort) : undefined;
    log.info(
      { host: config.httpHost, port, ...(boundAdmin !== undefined ? { admin: `http://${config.adminHost}:${boundAdmin}` } : {}) },
      'gateway listening',
    );
    return {
      readyFields: { url: `http://${config.httpHost}:${port}` },
      async stop() {
        parts.stopStreams();
        await gateway.close();
        await parts.close();
        await db.close();
      },
    };
  },
});
