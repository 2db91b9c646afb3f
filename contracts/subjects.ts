/**
 * @module contracts/subjects
 * The public subject table. Requests: `tb.<kind>.<id>.<verb>` (what an operator types), answered
 * by any node and forwarded to the owner; `tbp.<partition>.<kind>.<id>.<verb>`, the same request
 * addressed straight to the partition's owner (clients compute the partition). Domain events:
 * `tb.evt.<kind>.<id>.<name>`, captured by the `TB_EVENTS` stream. Request subjects and stream
 * subjects never overlap: a stream that captured a request subject would answer it with a PubAck.
 */
import { TbError } from './tb-error.js';

export const SUBJECT_ROOT = 'tb';
export const DIRECT_ROOT = 'tbp';
export const EVENTS_ROOT = 'tb.evt';
export const EVENTS_STREAM = 'TB_EVENTS';
/** Queue group every actor node uses for public subjects, so exactly one node answers. */
export const ACTOR_QUEUE_GROUP = 'tb-actors';

export const KIND_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const VERB_PATTERN = /^[a-z][A-Za-z0-9_]{0,31}$/;

/** Headers used on the wire. */
export const Headers = {
  /** Correlation id that follows a request through gateway, NATS and actors. */
  RequestId: 'tb-request-id',
  /** 1 on the first send, 2… on retries with the same command id. */
  Attempt: 'tb-attempt',
  /** Our stable error code on error replies (the body has it too). */
  ErrorCode: 'tb-error-code',
  /** Set on a request forwarded by a non-owner, so it is never forwarded twice. */
  Forwarded: 'tb-forwarded',
  /** nats.js services error headers, for `nats micro` and the services client. */
  ServiceError: 'Nats-Service-Error',
  ServiceErrorCode: 'Nats-Service-Error-Code',
} as const;

/** An actor address. */
export interface ActorAddress {
  kind: string;
  id: string;
}

/** Throws `COMMAND_INVALID_ID` (or `COMMAND_UNKNOWN_KIND` for a malformed kind) unless the tokens are safe. */
export function assertAddress(kind: string, id: string): void {
  if (!KIND_PATTERN.test(kind)) throw new TbError('COMMAND_UNKNOWN_KIND', { kind: kind.slice(0, 40) });
  if (!ID_PATTERN.test(id)) throw new TbError('COMMAND_INVALID_ID', { id: id.slice(0, 80) });
}

/** `tb.<kind>.<id>.<verb>` */
export function publicSubject(kind: string, id: string, verb: string): string {
  return `${SUBJECT_ROOT}.${kind}.${id}.${verb}`;
}

/** The wildcard a node serves for one kind's public subjects. */
export function publicKindWildcard(kind: string): string {
  return `${SUBJECT_ROOT}.${kind}.*.*`;
}

/** `tbp.<partition>.<kind>.<id>.<verb>` */
export function directSubject(partition: number, kind: string, id: string, verb: string): string {
  return `${DIRECT_ROOT}.${partition}.${kind}.${id}.${verb}`;
}

/** The wildcard the owner of `partition` subscribes to. */
export function directPartitionWildcard(partition: number): string {
  return `${DIRECT_ROOT}.${partition}.>`;
}

/** `tb.evt.<kind>.<id>.<name>` for event type `<kind>.<name>` (or any type: dots become part of the name). */
export function eventSubject(kind: string, id: string, eventType: string): string {
  const name = eventType.startsWith(`${kind}.`) ? eventType.slice(kind.length + 1) : eventType;
  return `${EVENTS_ROOT}.${kind}.${id}.${name}`;
}

/** Parsed request subject. */
export interface ParsedSubject extends ActorAddress {
  verb: string;
  partition?: number;
}

/** Parse a public or direct request subject; returns undefined when it is neither. */
export function parseRequestSubject(subject: string): ParsedSubject | undefined {
  const t = subject.split('.');
  if (t.length === 4 && t[0] === SUBJECT_ROOT) return { kind: t[1]!, id: t[2]!, verb: t[3]! };
  if (t.length === 5 && t[0] === DIRECT_ROOT && /^\d+$/.test(t[1]!)) {
    return { partition: Number(t[1]), kind: t[2]!, id: t[3]!, verb: t[4]! };
  }
  return undefined;
}
