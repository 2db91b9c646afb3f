/**
 * @module gateway/types
 * The transport-free vocabulary of the gateway: the request and response we define, the
 * route definition that drives routing, validation and the OpenAPI document, the lifecycle hooks
 * a middleware may implement, and the server/WebSocket interfaces an adapter implements.
 * Nothing here knows about uWebSockets.js.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import type { Static, TSchema } from '@sinclair/typebox';
import type { Actors } from '../actors/client/index.js';

/** Request headers: lower-cased names; a repeated header keeps its values joined by `, `. */
export type HeaderMap = Record<string, string>;

/** One HTTP request as the core sees it. Built by an adapter, or by `handle()` in tests. */
export interface GatewayRequest {
  /** Upper-case method (`GET`, `POST`, …). */
  method: string;
  /** Path without the query string, always starting with `/`. */
  path: string;
  /** Raw query string without the `?` ('' when none). */
  query: string;
  headers: HeaderMap;
  body: Uint8Array;
  /** Client address (socket peer, or the proxy-reported one when `httpTrustProxy` is on). */
  ip: string;
  /** Correlation id; set by the `request-id` middleware before any other hook runs. */
  requestId: string;
  /**
   * Set by an adapter that stopped reading a body because it grew past the limit: the number of
   * bytes seen (or declared) so far. `body` is then empty and the `body-limit` hook answers 413.
   */
  bodyOverflow?: number;
}

/** One HTTP response: status, lower-case header names, bytes. */
export interface GatewayResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** What a handler returns: `body` is JSON-encoded unless it is a string or bytes. */
export interface RouteResult {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** The caller, as established by the `auth` middleware from a verified access token. */
export interface AuthUser {
  userId: string;
  roles: string[];
}

/**
 * Verifies a Bearer access token. Resolves with the caller, or rejects: a `TbError` with a 401/403
 * code is passed to the client as is; anything else becomes `AUTH_TOKEN_INVALID`.
 */
export type VerifyAccessToken = (token: string) => Promise<AuthUser>;

/** A readiness probe (PostgreSQL, …): resolves when healthy; rejects or resolves `false` otherwise. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<boolean | void>;
}

/** `required`: 401 without a valid token. `optional`: user when a valid token is sent. `none`: ignored. */
export type AuthMode = 'required' | 'optional' | 'none';

/** What a route handler receives. `params`, `query` and `body` are already validated. */
export interface RouteContext<P = unknown, Q = unknown, B = unknown> {
  request: GatewayRequest;
  /** Correlation id: pass it on (the actor client sends it as NATS header `tb-request-id`). */
  requestId: string;
  params: P;
  query: Q;
  body: B;
  /** The verified caller; always set when the route's `auth` is `required`. */
  user: AuthUser | undefined;
  /** The NATS connection, when the gateway has one. */
  nc: NatsConnection | undefined;
  /**
   * Typed actor references: `ctx.actors.event(id).get({ viewer })`. Carry the request id, retry
   * what is retryable (see `actors/client/client.ts`), throw `TbError`; throw
   * `RUNTIME_UNAVAILABLE` when the gateway has no NATS connection.
   */
  actors: Actors;
  /** Logger bound to this request (`reqId`); never log tokens, passwords or bodies with it. */
  log: Logger;
}

type StaticOr<S, D> = S extends TSchema ? Static<S> : D;

/**
 * One HTTP operation. The same object drives the router, validation, auth, and the OpenAPI
 * document, so what is documented is what is enforced.
 */
export interface RouteDefinition<
  P extends TSchema | undefined = TSchema | undefined,
  Q extends TSchema | undefined = TSchema | undefined,
  B extends TSchema | undefined = TSchema | undefined,
> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path with `:name` parameters, e.g. `/api/v1/events/:eventId`. */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  auth: AuthMode;
  /** With `auth: 'required'`: the caller needs at least one of these roles (else 403 `AUTH_FORBIDDEN`). */
  roles?: string[];
  operationId?: string;
  params?: P;
  query?: Q;
  body?: B;
  /**
   * Request headers the handler reads (a TypeBox object; names as sent, e.g. `X-Event-Access-Code`),
   * declared as header parameters in the OpenAPI document. Documentation: the handler checks them.
   */
  headers?: TSchema;
  /** Documented responses by status; the error statuses the pipeline adds are documented for you. */
  responses: Record<number, TSchema | { description: string; schema?: TSchema; contentType?: string }>;
  /** Leave this route out of the OpenAPI document (docs and metrics endpoints). */
  hidden?: boolean;
  /**
   * The handler reads `ctx.request.body` as raw bytes (provider webhooks verify a signature over
   * them). Without `body` and `rawBody`, a mutating route takes no body: nothing, or `{}`.
   */
  rawBody?: boolean;
  handler(
    ctx: RouteContext<StaticOr<P, Record<string, string>>, StaticOr<Q, Record<string, unknown>>, StaticOr<B, undefined>>,
  ): Promise<RouteResult> | RouteResult;
}

/** Any route, for lists of routes (`gateway/routes/index.ts`). */
// biome-ignore lint/suspicious/noExplicitAny: a list of routes holds routes of every schema type
export type AnyRoute = RouteDefinition<any, any, any>;

/**
 * The mutable per-request state the lifecycle hooks share. `route` is undefined when nothing
 * matched (the request then ends in 404/405 after `onRequest`).
 */
export interface HookContext {
  request: GatewayRequest;
  route: AnyRoute | undefined;
  /** Route pattern for logs and metrics labels (`<unmatched>` when no route). */
  routeLabel: string;
  params: Record<string, string>;
  query: unknown;
  body: unknown;
  user: AuthUser | undefined;
  /** Headers every response to this request carries (request id, rate limit, CORS …). */
  responseHeaders: Record<string, string>;
  startedAt: number;
  log: Logger;
}

/** A hook that may end the request early by returning a response (or throwing a `TbError`). */
export type EarlyHook = (ctx: HookContext) => void | GatewayResponse | Promise<void | GatewayResponse>;

/**
 * One middleware: a named set of lifecycle hooks, run in registration order:
 * `onRequest` → `preValidation` → (validation) → `preHandler` → handler → `onSend`;
 * a throw anywhere goes to `onError` (first to return a response wins, else the default mapping),
 * then `onSend`; `onResponse` observes the final response (logs, metrics) and cannot change it.
 */
export interface Middleware {
  name: string;
  onRequest?: EarlyHook;
  preValidation?: EarlyHook;
  preHandler?: EarlyHook;
  onSend?: (ctx: HookContext, res: GatewayResponse) => void | GatewayResponse;
  onError?: (ctx: HookContext, err: unknown) => void | GatewayResponse;
  onResponse?: (ctx: HookContext, res: GatewayResponse) => void;
}

/** The core request handler an adapter calls for every HTTP request. Never rejects. */
export type RequestHandler = (req: GatewayRequest) => Promise<GatewayResponse>;

/** A transport-free WebSocket connection, implemented by an adapter. */
export interface GatewaySocket<D> {
  readonly data: D;
  /** Queue a frame; false when it was dropped (over `maxBackpressureBytes`) or only buffered under backpressure. */
  send(message: string | Uint8Array, isBinary?: boolean): boolean;
  /** Bytes queued in user space for this socket, not yet written to the kernel (backpressure). */
  getBufferedAmount(): number;
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  /** Close with a code and reason (graceful). */
  end(code?: number, reason?: string): void;
}

/**
 * A WebSocket route: `upgrade` decides from the HTTP request (auth, params) and returns the
 * connection's data, or a response to refuse the upgrade with.
 */
export interface WebSocketRoute<D = unknown> {
  path: string;
  maxPayloadBytes?: number;
  /** Close a connection silent this long; the adapter pings before that (default 120). */
  idleTimeoutSec?: number;
  /**
   * Per-socket buffered bytes above which topic publishes skip the socket and `send` drops the
   * frame (returns false). Default 64 KiB. A slow reader never blocks other sockets.
   */
  maxBackpressureBytes?: number;
  /**
   * Decide the upgrade, synchronously: the adapter completes it inside the server's upgrade
   * handler, never from a promise continuation (uNetworking/uWebSockets.js#1108 drops such
   * sockets now and then); checks that need I/O belong after `open`, refusing with a close code.
   * `protocol` is the `Sec-WebSocket-Protocol` value to answer with (one of those offered); by
   * default the offered header is echoed as is.
   */
  upgrade(req: GatewayRequest): { data: D; protocol?: string } | { response: GatewayResponse };
  open?(socket: GatewaySocket<D>): void;
  message?(socket: GatewaySocket<D>, message: Uint8Array, isBinary: boolean): void;
  /** The socket's buffered amount went down after backpressure: frames skipped meanwhile may be re-sent. */
  drain?(socket: GatewaySocket<D>): void;
  close?(socket: GatewaySocket<D>, code: number): void;
}

/** A listening HTTP server (adapter). */
export interface HttpServer {
  /** Bind; resolves with the bound port (useful with port 0). Rejects when the port is taken. */
  listen(host: string, port: number): Promise<number>;
  /** Publish to every WebSocket subscribed to `topic`. */
  publish(topic: string, message: string | Uint8Array, isBinary?: boolean): boolean;
  /** Stop accepting connections (idempotent). In-flight requests keep running. */
  stopAccepting(): void;
}
