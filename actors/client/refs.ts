/**
 * @module actors/client/refs
 * Typed actor references, generated from `KindProtocols`: `actors.order(id).reserved(body, key)`.
 * The protocol fixes each verb's body and reply type, and the command id: a writing verb takes a
 * `CommandKey` whose parts become the id (`commandIdOf`, one scheme for every caller); a read-only
 * verb takes no key and sends no id. No caller names a verb as a string or chooses a reply type.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { KindProtocols, commandIdOf, type CommandKey, type KindName } from '../../contracts/kinds/index.js';
import type { RequestOptions } from './client.js';

/** What sends a command: the actor client (`createActorClient`), or a wrapper of it that adds options. */
export interface ActorTransport {
  request<R = unknown>(kind: string, id: string, verb: string, body: Record<string, unknown>, opts?: RequestOptions): Promise<R>;
}

type Body<S extends TSchema> = Omit<Static<S>, 'commandId'>;

/** The reference type of one kind, from its command and reply schemas and its read-only verbs. */
export type RefOf<C extends Record<string, TSchema>, R extends Record<string, TSchema>, Reads extends string> = {
  readonly [V in keyof C & keyof R & string]: V extends Reads
    ? (body?: Body<C[V]>) => Promise<Static<R[V]>>
    : (body: Body<C[V]>, key: CommandKey) => Promise<Static<R[V]>>;
};

type Protocols = typeof KindProtocols;

/** One actor of kind `K`: one method per verb of its protocol. */
export type ActorRef<K extends KindName> = RefOf<Protocols[K]['commands'], Protocols[K]['replies'], Protocols[K]['reads'][number]>;

/** Every kind's reference factory, plus `with(options)` for a per-call budget or request id. */
export type Actors = { readonly [K in KindName]: (id: string) => ActorRef<K> } & {
  /** The same references sending with `opts` (merged over the ones these were made with). */
  with(opts: RequestOptions): Actors;
};

interface RefState {
  t: ActorTransport;
  o: RequestOptions | undefined;
  id: string;
}

/** One prototype per kind, its methods reading the actor id and transport from the instance. */
const prototypes = new Map<string, object>();
for (const [kind, p] of Object.entries(KindProtocols)) {
  const proto: Record<string, unknown> = {};
  for (const verb of Object.keys(p.commands)) {
    proto[verb] = (p.reads as readonly string[]).includes(verb)
      ? function read(this: RefState, body?: Record<string, unknown>) {
          return this.t.request(kind, this.id, verb, body ?? {}, this.o);
        }
      : function write(this: RefState, body: Record<string, unknown>, key: CommandKey) {
          return this.t.request(kind, this.id, verb, { ...body, commandId: commandIdOf(key) }, this.o);
        };
  }
  prototypes.set(kind, proto);
}

/** Typed references over `transport` (an actor client), sending with `opts` when given. */
export function createActors(transport: ActorTransport, opts?: RequestOptions): Actors {
  const actors: Record<string, unknown> = {
    with: (more: RequestOptions) => createActors(transport, { ...opts, ...more }),
  };
  for (const [kind, proto] of prototypes) {
    actors[kind] = (id: string) => Object.assign(Object.create(proto) as RefState, { t: transport, o: opts, id });
  }
  return actors as Actors;
}
