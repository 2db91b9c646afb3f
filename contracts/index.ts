/**
 * @module contracts
 * The wire contract shared by every process: subjects, the partition function, the codec,
 * message schemas, the reply envelope, the error registry and error classes. Pure: types,
 * schemas, codecs and subjects, no I/O (the actor client is in `actors/client`). Import only from here.
 */
export { ErrorCodes, renderMessage, isErrorCode } from './errors.js';
export { TbError, ConcurrencyConflictError, NotOwnerError, StorageUnavailableError } from './tb-error.js';
export {
  Format,
  formatOf,
  requestFormatOf,
  contentTypeOf,
  encode,
  decode,
  CONTENT_TYPE_HEADER,
  JSON_CONTENT_TYPE,
  MSGPACK_CONTENT_TYPE,
} from './codec.js';
export { fnv1a32, partitionOf } from './partition.js';
export {
  SUBJECT_ROOT,
  DIRECT_ROOT,
  EVENTS_ROOT,
  EVENTS_STREAM,
  ACTOR_QUEUE_GROUP,
  KIND_PATTERN,
  ID_PATTERN,
  VERB_PATTERN,
  Headers,
  assertAddress,
  publicSubject,
  publicKindWildcard,
  directSubject,
  directPartitionWildcard,
  eventSubject,
  parseRequestSubject,
} from './subjects.js';
export { CommandId, Command, ReadCommand, Reply, ErrorBodySchema, validate, Type } from './schemas.js';
export { encodeReply, encodeErrorReply, decodeReply } from './envelope.js';

export { uniqueId } from './unique-id.js';
export type { ErrorSpec, ErrorCode, ErrorBody } from './errors.js';
export type { ActorAddress, ParsedSubject } from './subjects.js';
export type { Static, TSchema, TObject } from './schemas.js';
export type { ReplyBody, EncodedReply, ReplyMsg } from './envelope.js';
