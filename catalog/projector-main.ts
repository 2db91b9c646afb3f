/**
 * @module catalog/projector-main
 * Process entry of the catalog projector (`tsx catalog/projector-main.ts`, spawned once by
 * `npm start`): migrates the database, keeps the catalog tables from `TB_EVENTS`, serves
 * `/healthz` and `/metrics` on its admin port (9182), and stops gracefully on SIGTERM/SIGINT
 * (the batch in progress commits and is acked; anything else is redelivered to the next run).
 */
import { runService } from '../platform/index.js';
import { startCatalogProjector } from './projector.js';

/** Run the projector until SIGTERM/SIGINT. */
export async function runCatalogProjector(): Promise<void> {
  await runService({
    kind: 'catalog-projector',
    database: { max: 4 },
    async start({ config, log, nc, registry, db }) {
      const projector = startCatalogProjector({
        nc,
        db: db!.db,
        log,
        registry,
        batchSize: config.catalogBatchSize,
        retryDelayMs: config.catalogRetryDelayMs,
      });
      return { stop: () => projector.stop() };
    },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) void runCatalogProjector();
