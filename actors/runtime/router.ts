/**
 * @module actors/runtime/router
 * Request → local activation, forward, or "retry" (Akka `ShardRegion`). Every message is checked
 * before it reaches an actor — subject, content type, kind, verb, size, codec, schema — and each
 * failure is an error reply with a stable code, never a throw: the node keeps serving whatever
 * arrives. A public request for a partition this node does not own is forwarded once to the
 * owner's direct subject; a direct request for a partition it does not own answers
 * `RUNTIME_NOT_OWNER` so the client retries.
 */
import { headers as natsHeaders, type Msg, type NatsConnection } from '@nats-io/nats-core';
import {
  TbError,
  NotOwnerError,
  Format,
  requestFormatOf,
  decode,
  validate,
  encodeReply,
  encodeErrorReply,
  partitionOf,
  assertAddress,
  parseRequestSubject,
  directSubject,
  Headers,
  CONTENT_TYPE_HEADER,
  DIRECT_ROOT,
} from '../../contracts/index.js';
import { requestFailureOf } from '../../platform/index.js';
import type { ActorKind } from './types.js';
import type { Activation, CommandOutcome } from './activation.js';

export interface RouterDeps {
  nc: NatsConnection;
  kinds: Map<string, ActorKind>;
  partitions: number;
  maxCommandBytes: number;
  owns: (partition: number) => boolean;
  activation: (kind: ActorKind, id: string, partition: number) => Activation;
  log: { debug(o: object, m?: string): void; warn(o: object, m?: string): void };
  /** Every command this node answered itself (not the ones it forwarded): outcome `ok` or the error code, and how long it took (ms). */
  onCommand?: (kind: string, verb: string, outcome: string, ms: number) => void;
  forwardTimeoutMs?: number;
}

/** Verbs reserved for the runtime's private messages: refused on public subjects. */
const PRIVATE_VERBS = new Set(['timer', 'flush', 'init']);
const PRIVATE_EVENT_TYPES = /^(timer|outbox|runtime|xstate)\./;

/** The served kind a request subject names (`tb.<kind>…`, `tbp.<p>.<kind>…`), or `?`. */
function kindOf(subject: string, kinds: Map<string, ActorKind>): string {
  const parts = subject.split('.', 3);
  const kind = parts[0] === DIRECT_ROOT ? parts[2] : parts[1];
  return kind !== undefined && kinds.has(kind) ? kind : '?';
}

export class Router {
  constructor(private readonly d: RouterDeps) {}

  /** Handle one request message; always replies (when the message has a reply subject). */
  handle(msg: Msg, direct: boolean): void {
    const started = performance.now();
    let format: Format = Format.Msgpack;
    let commandId: string | undefined;
    const requestId = msg.headers?.get(Headers.RequestId) || undefined;
    const fail = (err: TbError, commandId?: string) => {
      const r = encodeErrorReply(err, format, commandId);
      if (requestId) r.headers.set(Headers.RequestId, requestId);
      msg.respond(r.data, { headers: r.headers });
    };
    try {
      format = requestFormatOf(msg.headers?.get(CONTENT_TYPE_HEADER) || undefined, msg.data);
      const parsed = parseRequestSubject(msg.subject);
      if (!parsed) throw new TbError('COMMAND_INVALID', { reason: `subject ${msg.subject.slice(0, 100)} is not a request subject` });
      const kind = this.d.kinds.get(parsed.kind);
      if (!kind) throw new TbError('COMMAND_UNKNOWN_KIND', { kind: parsed.kind.slice(0, 40) });
      assertAddress(parsed.kind, parsed.id);
      if (PRIVATE_VERBS.has(parsed.verb)) throw new TbError('RUNTIME_PRIVATE_MESSAGE', { type: parsed.verb });
      const handler = Object.hasOwn(kind.handlers, parsed.verb) ? kind.handlers[parsed.verb] : undefined;
      if (!handler) throw new TbError('COMMAND_UNKNOWN_VERB', { kind: parsed.kind, verb: parsed.verb.slice(0, 40) });
      const partition = partitionOf(parsed.kind, parsed.id, this.d.partitions);
      if (parsed.partition !== undefined && parsed.partition !== partition) {
        throw new TbError('COMMAND_INVALID', {
          reason: `actor ${parsed.kind}.${parsed.id} lives in partition ${partition}, not ${parsed.partition}`,
        });
      }
      if (!this.d.owns(partition)) {
        if (direct || msg.headers?.get(Headers.Forwarded)) throw new NotOwnerError(partition);
        return void this.forward(msg, directSubject(partition, parsed.kind, parsed.id, parsed.verb), partition, fail);
      }
      const body = decode(msg.data, format, this.d.maxCommandBytes);
      if (body === null || typeof body !== 'object' || Array.isArray(body))
        throw new TbError('COMMAND_INVALID', { reason: 'the body must be an object' });
      // Echo the command id on every reply we can, even when the rest of the body is invalid.
      const rawId = (body as { commandId?: unknown }).commandId;
      if (typeof rawId === 'string' && rawId.length <= 128) commandId = rawId;
      const type = (body as { type?: unknown }).type;
      if (typeof type === 'string' && PRIVATE_EVENT_TYPES.test(type))
        throw new TbError('RUNTIME_PRIVATE_MESSAGE', { type: type.slice(0, 40) });
      const cmd = validate(handler.schema, body) as Record<string, unknown> & { commandId?: string };
      const verb = parsed.verb;
      this.d.activation(kind, parsed.id, partition).enqueue({
        t: 'cmd',
        verb,
        cmd,
        requestId,
        done: (o: CommandOutcome) => {
          this.d.onCommand?.(kind.kind, verb, o.ok ? 'ok' : String(o.error.code), performance.now() - started);
          this.d.log.debug(
            { reqId: requestId, actor: `${kind.kind}.${parsed.id}`, verb, commandId: cmd.commandId, outcome: o.ok ? 'ok' : o.error.code },
            'command',
          );
          if (!o.ok) return fail(o.error, cmd.commandId);
          const r = encodeReply(o.result, format, cmd.commandId);
          if (requestId) {
            r.headers ??= natsHeaders();
            r.headers.set(Headers.RequestId, requestId);
          }
          msg.respond(r.data, r.headers ? { headers: r.headers } : undefined);
        },
      });
    } catch (err) {
      const e = err instanceof TbError ? err : new TbError('INTERNAL', {}, { cause: err });
      if (!(err instanceof TbError)) this.d.log.warn({ err, subject: msg.subject, reqId: requestId }, 'unexpected router failure');
      this.d.onCommand?.(kindOf(msg.subject, this.d.kinds), '?', String(e.code), performance.now() - started);
      fail(e, commandId);
    }
  }

  /** Forward a public request to the owner and relay its reply; no owner → `RUNTIME_NOT_OWNER`. */
  private async forward(msg: Msg, subject: string, partition: number, fail: (e: TbError) => void): Promise<void> {
    const h = natsHeaders();
    if (msg.headers) for (const [k, v] of msg.headers) for (const x of v) h.append(k, x);
    h.set(Headers.Forwarded, '1');
    try {
      const reply = await this.d.nc.request(subject, msg.data, { timeout: this.d.forwardTimeoutMs ?? 10_000, headers: h });
      msg.respond(reply.data, reply.headers ? { headers: reply.headers } : undefined);
    } catch (err) {
      this.d.log.debug({ err, subject }, 'forward failed');
      fail(
        requestFailureOf(err) === 'timeout'
          ? new TbError('RUNTIME_TIMEOUT', { timeoutMs: this.d.forwardTimeoutMs ?? 10_000 })
          : new NotOwnerError(partition),
      );
    }
  }
}
