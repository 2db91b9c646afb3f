/**
 * @module tools/rehearse/options
 * The command line of `npm run rehearse`: every option, its default, and the `--help` text
 * generated from the same table, so the two can never disagree. Parsing is strict: an unknown
 * option or a malformed value stops the run before anything is started.
 */

/** How post-opening buyers arrive over `arrivalSec`. */
export type ArrivalCurve = 'burst' | 'uniform' | 'ramp';

/** How a buyer's queue WebSocket behaves: `page` as the waiting room page's (web/src/queue-socket.ts, a browser), `bare` the lean client. */
export type WsClient = 'bare' | 'page';

/** Everything a rehearsal is configured by. */
export interface RehearseOptions {
  users: number;
  tickets: number;
  classes: number;
  maxConcurrent: number;
  preQueueShare: number;
  arrival: ArrivalCurve;
  arrivalSec: number;
  abandonQueue: number;
  abandonCheckout: number;
  failPayment: number;
  retryFailedPayment: number;
  gateway: string | undefined;
  nats: string | undefined;
  databaseUrl: string | undefined;
  actorNodes: number;
  gateways: number;
  cluster: boolean;
  killActorNode: number | undefined;
  killNatsNode: number | undefined;
  duplicateCallbacks: boolean;
  wsClient: WsClient;
  workers: number;
  crowdNice: number;
  leadSec: number;
  settleSec: number;
  checkinGates: number;
  json: boolean;
  out: string;
  timeout: number;
  seed: number;
  help: boolean;
}

type Kind = 'int' | 'share' | 'num' | 'str' | 'bool' | 'curve' | 'client';
interface Spec {
  key: keyof RehearseOptions;
  kind: Kind;
  def: unknown;
  help: string;
}

/** The option table: flag name → field, type, default, help. */
export const OPTION_SPECS: Record<string, Spec> = {
  users: { key: 'users', kind: 'int', def: 5_000, help: 'buyers, each a WebSocket client' },
  tickets: { key: 'tickets', kind: 'int', def: 1_000, help: 'tickets on sale, split over the classes' },
  classes: { key: 'classes', kind: 'int', def: 2, help: 'ticket classes (a buyer falls back to another class when one sells out)' },
  'max-concurrent': { key: 'maxConcurrent', kind: 'int', def: 200, help: "waitroom checkout slots (the event's maxConcurrent)" },
  'pre-queue-share': { key: 'preQueueShare', kind: 'share', def: 0.2, help: 'share of buyers who join before the sale opens' },
  arrival: {
    key: 'arrival',
    kind: 'curve',
    def: 'burst',
    help: 'arrival curve after opening: burst (exponential, most in the first seconds), uniform, ramp (rising)',
  },
  'arrival-sec': { key: 'arrivalSec', kind: 'num', def: 10, help: 'seconds over which post-opening buyers arrive' },
  'abandon-queue': {
    key: 'abandonQueue',
    kind: 'share',
    def: 0.05,
    help: 'share who leave the waitroom before their turn (half say so, half just vanish)',
  },
  'abandon-checkout': { key: 'abandonCheckout', kind: 'share', def: 0.05, help: 'share who are admitted, create an order and never pay' },
  'fail-payment': { key: 'failPayment', kind: 'share', def: 0.05, help: 'share whose first payment fails' },
  'retry-failed-payment': {
    key: 'retryFailedPayment',
    kind: 'share',
    def: 0.5,
    help: 'share of failed payers who retry with a new order (same checkout token)',
  },
  gateway: {
    key: 'gateway',
    kind: 'str',
    def: undefined,
    help: 'use a running gateway at URL (loopback only) instead of starting the local all-in-one',
  },
  nats: { key: 'nats', kind: 'str', def: undefined, help: 'with --gateway: its NATS URL, to read TB_EVENTS for the queue invariants' },
  'database-url': {
    key: 'databaseUrl',
    kind: 'str',
    def: undefined,
    help: 'with --gateway: its PostgreSQL URL (grants the organizer platform admin; buyers are minted there)',
  },
  'actor-nodes': { key: 'actorNodes', kind: 'int', def: 2, help: 'actor node processes of the local all-in-one' },
  gateways: {
    key: 'gateways',
    kind: 'int',
    def: 0,
    help: 'gateway processes of the local all-in-one, sharing one port (0 = one per 8,000 buyers: a process may hold 20,000 files here)',
  },
  cluster: { key: 'cluster', kind: 'bool', def: false, help: 'run a 3-node NATS JetStream cluster (replicas 3) instead of one server' },
  'kill-actor-node': {
    key: 'killActorNode',
    kind: 'num',
    def: undefined,
    help: 'SIGKILL actor node 0 at AT seconds after opening (restarted 1 s later, as npm start does)',
  },
  'kill-nats-node': {
    key: 'killNatsNode',
    kind: 'num',
    def: undefined,
    help: 'with --cluster: SIGKILL NATS node 0 at AT seconds after opening (restarted 5 s later)',
  },
  'duplicate-callbacks': {
    key: 'duplicateCallbacks',
    kind: 'bool',
    def: false,
    help: 'send every sandbox callback twice, some copies before the original, and replay failed callbacks after a retry succeeded',
  },
  'ws-client': {
    key: 'wsClient',
    kind: 'client',
    def: 'bare',
    help: "the buyers' queue socket: page = what the waiting room page opens (same URL and subprotocols, an Origin header, permessage-deflate offered as browsers do, every frame parsed), bare = the same socket without those",
  },
  workers: { key: 'workers', kind: 'int', def: 0, help: 'buyer worker processes (0 = one per 4,000 buyers, at least 2)' },
  'crowd-nice': {
    key: 'crowdNice',
    kind: 'int',
    def: 10,
    help: 'nice value of the buyer workers (they stand for browsers on other machines: the system under test gets the CPU first; 0 = same priority)',
  },
  'lead-sec': {
    key: 'leadSec',
    kind: 'num',
    def: 0,
    help: 'seconds from publishing to the sale opening (0 = enough for the pre-queue to join, at least 6)',
  },
  'settle-sec': {
    key: 'settleSec',
    kind: 'num',
    def: 90,
    help: 'after the crowd is done, how long to wait for deadlines to pass before checking',
  },
  'checkin-gates': {
    key: 'checkinGates',
    kind: 'int',
    def: 4,
    help: 'after the sale, gates that each scan every sold ticket at once (exactly one scan per ticket may win)',
  },
  json: { key: 'json', kind: 'bool', def: false, help: 'print the summary as one JSON line on stdout (progress goes to stderr)' },
  out: { key: 'out', kind: 'str', def: '.data/rehearse', help: 'directory for summary.json and report.html' },
  timeout: { key: 'timeout', kind: 'num', def: 900, help: 'hard limit of the whole run in seconds (the run stops and fails past it)' },
  seed: { key: 'seed', kind: 'int', def: 1, help: "seed of the buyers' random choices (who abandons, arrival times)" },
  help: { key: 'help', kind: 'bool', def: false, help: 'this text' },
};

/** The `--help` text. */
export function helpText(): string {
  const rows = Object.entries(OPTION_SPECS).map(([flag, s]) => {
    const arg = s.kind === 'bool' ? '' : s.kind === 'str' ? ' VALUE' : s.kind === 'curve' ? ' CURVE' : s.kind === 'client' ? ' KIND' : ' N';
    const def = s.def === undefined || s.kind === 'bool' ? '' : ` (default ${s.def})`;
    return `${`  --${flag}${arg}`.padEnd(30)}${s.help}${def}`;
  });
  return [
    'npm run rehearse -- [options]',
    '',
    'Plays a whole flash sale against TicketBottle through REST and WebSocket only, then checks its',
    "invariants from the system's own state. Exit status 1 when an invariant fails (2: bad usage or a crash).",
    '',
    ...rows,
  ].join('\n');
}

/** Parse argv (without node and the script); throws with a readable message on bad input. */
export function parseOptions(argv: string[]): RehearseOptions {
  const o = Object.fromEntries(Object.values(OPTION_SPECS).map((s) => [s.key, s.def])) as unknown as Record<string, unknown>;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const [name, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    const spec = OPTION_SPECS[name];
    if (!spec) throw new Error(`unknown option --${name} (see --help)`);
    if (spec.kind === 'bool') {
      o[spec.key] = inline === undefined ? true : inline !== 'false';
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw new Error(`--${name} needs a value`);
    const n = Number(raw.replace(/_/g, ''));
    switch (spec.kind) {
      case 'int':
        if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name}: ${raw} is not a whole number ≥ 0`);
        o[spec.key] = n;
        break;
      case 'num':
        if (!Number.isFinite(n) || n < 0) throw new Error(`--${name}: ${raw} is not a number ≥ 0`);
        o[spec.key] = n;
        break;
      case 'share':
        if (!(n >= 0 && n <= 1)) throw new Error(`--${name}: ${raw} is not a share between 0 and 1`);
        o[spec.key] = n;
        break;
      case 'curve':
        if (!['burst', 'uniform', 'ramp'].includes(raw)) throw new Error(`--${name}: burst, uniform or ramp`);
        o[spec.key] = raw;
        break;
      case 'client':
        if (!['bare', 'page'].includes(raw)) throw new Error(`--${name}: bare or page`);
        o[spec.key] = raw;
        break;
      default:
        o[spec.key] = raw;
    }
  }
  const opts = o as unknown as RehearseOptions;
  if (opts.help) return opts;
  if (opts.users < 1 || opts.tickets < 1 || opts.classes < 1 || opts.maxConcurrent < 1 || opts.checkinGates < 1)
    throw new Error('--users, --tickets, --classes, --max-concurrent and --checkin-gates must be ≥ 1');
  if (opts.classes > opts.tickets) throw new Error('--classes cannot exceed --tickets');
  if (opts.crowdNice > 19) throw new Error('--crowd-nice: a nice value from 0 to 19');
  if (opts.gateway) {
    const host = new URL(opts.gateway).hostname;
    if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host))
      throw new Error('--gateway must be a loopback URL: a rehearsal never leaves this machine');
    if (opts.killActorNode !== undefined || opts.cluster || opts.gateways > 0)
      throw new Error(
        '--kill-actor-node, --cluster and --gateways need the local all-in-one (no --gateway): the harness must own the processes',
      );
  }
  if (opts.killNatsNode !== undefined && !opts.cluster) throw new Error('--kill-nats-node needs --cluster');
  return opts;
}
