/**
 * @module app
 * The composition root's front door: which processes TicketBottle is made of and how they are
 * started (`services.ts`, `stack.ts`, `process.ts`, `entry.ts`), a gateway's services built once
 * (`gateway.ts`), and the development demo event (`demo.ts`). It may import every other folder;
 * only the launcher, the process entry points, tools, benchmarks and tests import it.
 */
export { composeGateway } from './gateway.js';
export { DEMO, seedDemo } from './demo.js';
export { CODE_ROOT, COMPILED, DIST_ROOT, entryCommand, OWN_FORM, REPO_ROOT } from './entry.js';
export { ChildExitedError, childNodeArgs, spawnEntry } from './process.js';
export { kindOf, SERVICES, WORKERS } from './services.js';
export { ServiceStartError, startProcessStack } from './stack.js';

export type { GatewayComposition, GatewayCompositionDeps } from './gateway.js';
export type { CodeForm } from './entry.js';
export type { ChildHandle, SpawnOptions } from './process.js';
export type { ServiceDef, ServiceKind, ServiceNatsUser } from './services.js';
export type { GatewaySpec, ProcessStack, ProcessStackOptions } from './stack.js';
