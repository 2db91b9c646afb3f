/**
 * @module app/services
 * The processes TicketBottle is made of, in one table: each one's entry point, the log line that
 * says it is ready, and the `nats.conf` user it connects as. The launcher (`ops/start.ts`), the
 * end-to-end tests, the benchmarks and the rehearsal all start their stacks from this table
 * (through `app/stack.ts`), so a new process is added here once.
 */

/** A kind of process. */
export type ServiceKind =
  | 'node'
  | 'gateway'
  | 'catalog'
  | 'stock-watcher'
  | 'payment-relay'
  | 'payment-events'
  | 'order-history'
  | 'order-saga'
  | 'tickets';

/** The `nats.conf` users (see nats.conf). */
export type ServiceNatsUser = 'actor' | 'gateway' | 'saga' | 'payments' | 'history' | 'tickets' | 'relay' | 'catalog' | 'watcher';

/** How to start one kind of process and tell that it is up. */
export interface ServiceDef {
  /** Entry point, as a source path from the repository root (`app/entry.ts` picks the form). */
  file: string;
  /** The log line that says it serves. */
  ready: RegExp;
  natsUser: ServiceNatsUser;
  /** What it is, for people (the launcher's messages). */
  role: string;
}

export const SERVICES: Readonly<Record<ServiceKind, ServiceDef>> = {
  node: { file: 'actors/node-main.ts', ready: /actor node started/, natsUser: 'actor', role: 'actor node' },
  gateway: { file: 'gateway/main.ts', ready: /gateway listening/, natsUser: 'gateway', role: 'HTTP and WebSocket gateway' },
  catalog: { file: 'catalog/projector-main.ts', ready: /catalog-projector ready/, natsUser: 'catalog', role: 'catalog projector' },
  'stock-watcher': { file: 'queue/watcher-main.ts', ready: /stock-watcher ready/, natsUser: 'watcher', role: 'waitroom stock watcher' },
  'payment-relay': { file: 'payments/relay-main.ts', ready: /payment-relay ready/, natsUser: 'relay', role: 'payments outbox relay' },
  'payment-events': {
    file: 'orders/payment-events-main.ts',
    ready: /payment-events ready/,
    natsUser: 'payments',
    role: 'payment events and refunds',
  },
  'order-history': { file: 'orders/history-main.ts', ready: /order-history ready/, natsUser: 'history', role: 'order history projector' },
  'order-saga': { file: 'orders/worker-main.ts', ready: /order-saga ready/, natsUser: 'saga', role: 'order saga worker' },
  tickets: { file: 'tickets/main.ts', ready: /tickets ready/, natsUser: 'tickets', role: 'tickets' },
};

/** Every process besides actor nodes and gateways (one each per deployment is enough). */
export const WORKERS: readonly ServiceKind[] = [
  'catalog',
  'stock-watcher',
  'payment-relay',
  'payment-events',
  'order-history',
  'order-saga',
  'tickets',
];

/** The kind of a process by its name: `node-0` → node, `gateway-short` → gateway, `tickets` → tickets. */
export function kindOf(name: string): ServiceKind {
  if (name.startsWith('node-')) return 'node';
  if (name.startsWith('gateway')) return 'gateway';
  if (name in SERVICES) return name as ServiceKind;
  throw new Error(`unknown service ${name}`);
}
