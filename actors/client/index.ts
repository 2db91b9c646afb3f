/**
 * @module actors/client
 * The front door for calling actors from outside the runtime: the actor client (partition →
 * owner, retries with backoff inside a budget), the typed references generated from the
 * protocols (`createActors(client).order(id).get()`), and nats-core error classification.
 * Import only from here.
 */
export { createActorClient } from './client.js';
export { createActors } from './refs.js';
export { requestFailureOf } from '../../platform/index.js';

export type { ActorClient, ActorClientOptions, RequestOptions, RequestStats } from './client.js';
export type { Actors, ActorRef, ActorTransport } from './refs.js';
