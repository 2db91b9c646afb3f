/**
 * The import rules of the README's layout, checked by `npm run check:layers`
 * (dependency-cruiser; part of `npm test`). Three kinds of rule:
 *
 * 1. No import cycles, anywhere (type-only imports included: a type cycle is still a tangle).
 * 2. Front doors: code in one top-level folder imports another folder only through
 *    that folder's `index.ts` (plus the documented extra doors listed in FRONT_DOORS). Tests and
 *    benchmarks may reach inside: they test and measure internals.
 * 3. Layers, lowest first. A folder may import its own layer and the layers below, never above:
 *
 *      L0  contracts/                       the wire contract; imports nothing of ours but itself, no I/O
 *      L1  config/                          settings (one TypeBox schema) and the production checks
 *      L2  db/, platform/                   PostgreSQL; process plumbing (lifecycle, retry, connect,
 *                                           metrics; `runService` migrates and opens the pool, so it
 *                                           sits beside db/)
 *      L3  actors/                          runtime, kinds, and the typed actor client (actors/client/)
 *      L4  accounts/ mailer/ catalog/ events/ queue/ payments/ orders/ tickets/
 *                                           the services; they may use each other (never in a circle)
 *      L5  gateway/                         the HTTP/WebSocket edge over the services
 *      L6  app/, ops/                       the composition root (may import everything) and the
 *                                           launcher `npm start`, which starts the stack it describes
 *      top tools/, bench/, test/, web/build.ts and root configs: may import anything
 *
 *    Inside actors/: the runtime is below the kinds (runtime never imports a kind) and a kind
 *    imports the runtime only through  `actors/runtime/index.ts`.
 *    web/src/ is browser code: it takes only types from the server folders.
 *
 * Every exception is listed where it is allowed, with its reason. Remove an exception when the
 * import it allows is gone.
 */

/** Top-level folders with a front door, and the extra public entry points each documents. */
const FRONT_DOORS = [
  '(contracts|config|platform|db|actors|accounts|mailer|catalog|events|queue|payments|orders|tickets|gateway|app)/index\\.ts',
  // contracts/kinds/ and contracts/events/: the public protocol of each kind, one file per kind (README layout).
  'contracts/(kinds|events)/[^/]+\\.ts',
  // The gateway's routes, WebSocket streams and static pages each have a front door the composition root uses.
  'gateway/(routes|ws|static)/index\\.ts',
  // Each actor kind, the runtime and the typed client have their own front door.
  'actors/[^/]+/index\\.ts',
];

/** Deep imports that exist today, each with its reason; remove the line when the import is gone. */
const DEEP_IMPORT_EXCEPTIONS = [
  // The gateway's routes reach into flows that have no service object yet (issue 11, "services for
  // every flow"); the tickets consumer reads an order's lines from the history read model.
  '(gateway/routes/[^/]+|tickets/[^/]+)\\.ts -> orders/history\\.ts',
  'gateway/routes/[^/]+\\.ts -> orders/(organizer|payment-events)\\.ts',
  'gateway/routes/[^/]+\\.ts -> payments/(sandbox-page|sandbox-pay|webhooks)\\.ts',
  'gateway/routes/[^/]+\\.ts -> tickets/issue\\.ts',
  // The rehearsal drives the sandbox provider directly.
  'tools/rehearse/[^/]+\\.ts -> payments/providers/sandbox\\.ts',
  // The pages render the server's wire types (type-only imports, erased at build).
  'web/src/.+ -> (gateway/ws/(types|console-types)|catalog/schemas|accounts/schemas|tickets/types)\\.ts',
  // The settings-table generator documents the fixed port table itself.
  'tools/settings-table\\.ts -> platform/ports\\.ts',
];

/** Import cycles that exist today (both edges of each), with their reasons. */
const CYCLE_EXCEPTIONS = [
  // Type-only: payment-step takes the service's options type. Being reworked by issue 11's services.
  'orders/payment-step\\.ts -> orders/service\\.ts',
  'orders/service\\.ts -> orders/payment-step\\.ts',
  // config/index re-exports the production checks, which read the settings list: goes with the config schema (issue 11).
  'config/index\\.ts -> config/production\\.ts',
  'config/production\\.ts -> config/index\\.ts',
  // Type-only: a refund is a compensation step and its type lives with the steps.
  'actors/order/compensations\\.ts -> actors/order/refunds\\.ts',
  'actors/order/refunds\\.ts -> actors/order/compensations\\.ts',
];

const LAYERS = [
  ['contracts'],
  ['config'],
  ['db', 'platform'],
  ['actors'],
  ['accounts', 'mailer', 'catalog', 'events', 'queue', 'payments', 'orders', 'tickets'],
  ['gateway'],
  ['app', 'ops'],
];

/** Layer violations that exist today, each with its reason. */
const LAYER_EXCEPTIONS = [
  // The gateway process's entry point builds its services in the composition root (every other
  // entry point is a worker whose few parts runService and its own folder provide).
  'gateway/main\\.ts -> app/index\\.ts',
];

/** Every top-level folder of ours (new ones included, so that a rule covers them from the start). */
const PROJECT_FOLDERS = [
  ...['contracts', 'config', 'platform', 'db', 'ops', 'actors', 'accounts', 'mailer', 'catalog', 'events', 'queue'],
  ...['payments', 'orders', 'tickets', 'gateway', 'app', 'tools', 'bench', 'test', 'web'],
];

const TESTS = '(^(test|bench)/|\\.test\\.tsx?$)';

/** One rule per layer: its folders may not import any folder of a higher layer. */
const layerRules = LAYERS.slice(0, -1).map((folders, i) => {
  const above = LAYERS.slice(i + 1).flat();
  return {
    name: `layer-${folders.join('-')}`,
    comment: `${folders.join(', ')} (L${i}) may not import ${above.join(', ')} (higher layers): see the layer table in .dependency-cruiser.cjs`,
    severity: 'error',
    from: { path: `^(${folders.join('|')})/`, pathNot: TESTS },
    to: { path: `^(${above.join('|')})/` },
  };
});

/**
 * Apply `a -> b` exception lines to a rule, exactly: the rule stops looking at every `b`, and one
 * companion rule per exception forbids `b` to everyone the rule covers except the files `a`.
 */
function withExceptions(rule, lines) {
  const byTarget = new Map();
  for (const line of lines) {
    const [from, to] = line.split(' -> ').map((re) => `^${re}$`);
    byTarget.set(to, [...(byTarget.get(to) ?? []), from]);
  }
  const toNot = [rule.to.pathNot ?? []].flat();
  const main = { ...rule, to: { ...rule.to, pathNot: [...toNot, ...byTarget.keys()] } };
  const companions = [...byTarget].map(([to, froms], i) => ({
    ...rule,
    name: `${rule.name}-exception-${i + 1}`,
    comment: `${rule.comment} (Excepted for ${to} only: ${froms.join(', ')}.)`,
    from: { ...rule.from, pathNot: [[rule.from.pathNot ?? []].flat(), froms].flat() },
    to: { ...rule.to, path: to, pathNot: toNot },
  }));
  return [main, ...companions];
}

module.exports = {
  forbidden: [
    ...withExceptions(
      {
        name: 'no-circular',
        comment: 'An import cycle: modules that cannot be understood (or loaded) one without the other.',
        severity: 'error',
        from: {},
        to: { circular: true },
      },
      CYCLE_EXCEPTIONS,
    ),
    {
      name: 'contracts-imports-only-contracts',
      comment: 'contracts/ is the pure wire contract: it imports nothing of ours outside contracts/.',
      severity: 'error',
      from: { path: '^contracts/', pathNot: TESTS },
      to: { path: `^(${PROJECT_FOLDERS.filter((f) => f !== 'contracts').join('|')})/` },
    },
    {
      name: 'contracts-no-io',
      comment: 'contracts/ does no I/O: no sockets, files, processes, databases or loggers (crypto is computation).',
      severity: 'error',
      from: {
        path: '^contracts/',
        pathNot: [
          TESTS,
          // The actor client (retry policy, request) and its nats-core patch move to actors/client/ (issue 11).
          '^contracts/(client|nats-request-patch)\\.ts$',
        ],
      },
      to: {
        path: [
          '^(node:)?(fs|fs/promises|net|http|https|http2|tls|dgram|dns|child_process|cluster|worker_threads|os|readline|process)$',
          '^node_modules/(@nats-io/(transport-node|jetstream|kv|services)|postgres|pg|mongodb|nodemailer|pino|uWebSockets\\.js|drizzle-orm|prom-client)/',
        ],
      },
    },
    ...withExceptions(
      {
        name: 'front-door',
        comment: 'Import another top-level folder through its index.ts, not a deep path.',
        severity: 'error',
        from: { path: '^([^/]+)/', pathNot: TESTS },
        to: {
          path: '^(contracts|config|platform|db|actors|accounts|mailer|catalog|events|queue|payments|orders|tickets|gateway|app)/',
          pathNot: ['^$1/', `^(${FRONT_DOORS.join('|')})$`],
        },
      },
      DEEP_IMPORT_EXCEPTIONS,
    ),
    {
      name: 'runtime-below-kinds',
      comment: 'actors/runtime/ is below the kinds: it never imports an actor kind or the client.',
      severity: 'error',
      from: { path: '^actors/runtime/', pathNot: TESTS },
      to: { path: '^actors/', pathNot: '^actors/runtime/' },
    },
    {
      name: 'kinds-use-runtime-front-door',
      comment: 'An actor kind imports the runtime only through actors/runtime/index.ts.',
      severity: 'error',
      from: { path: '^actors/(?!runtime/)[^/]+/', pathNot: TESTS },
      to: { path: '^actors/runtime/', pathNot: '^actors/runtime/index\\.ts$' },
    },
    {
      name: 'web-takes-only-types',
      comment: 'web/src/ runs in the browser: from the server folders it may take types only.',
      severity: 'error',
      from: { path: '^web/src/' },
      to: { path: '^(?!web/)[^/]+/', pathNot: '^node_modules/', dependencyTypesNot: ['type-only'] },
    },
    ...layerRules.flatMap((rule) => withExceptions(rule, LAYER_EXCEPTIONS)),
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|web/dist)/' },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
