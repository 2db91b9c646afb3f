import { defineConfig } from 'vitest/config';

// Pure unit tests sit beside the code; integration tests live in test/ and talk to real
// nats-server / PostgreSQL processes (see test/harness). Integration files start their own
// servers, so they may run in parallel; the machine has 2 cores, so keep the pool small.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{config,contracts,actors,gateway,db,accounts,catalog,queue,payments,orders,ops,platform,tools,mailer}/**/*.test.ts'],
          testTimeout: 20_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
