/**
 * @module gateway/ws/ws-auth
 * Authentication of a WebSocket upgrade. Browsers cannot set `Authorization` on a WebSocket, so
 * the access token comes as a subprotocol `bearer.<token>` in `Sec-WebSocket-Protocol`, or as
 * `?access_token=<token>`. Upgrades skip the HTTP middleware, so this is checked in `upgrade()`,
 * synchronously, and a missing, forged or expired token is refused with 401 before the
 * connection is upgraded.
 * Invariant: the token is never logged, and never echoed back when the client offered another
 * subprotocol to select.
 */
import { TbError } from '../../contracts/index.js';
import type { GatewayRequest } from '../types.js';
import type { SyncAccessClaims, SyncAccessTokenCheck } from './sync-access-token.js';

/** The subprotocol prefix that carries the access token. */
export const BEARER_PROTOCOL_PREFIX = 'bearer.';
/** The subprotocol a client may offer beside the token, which the server then selects. */
export const QUEUE_PROTOCOL = 'tb.queue.v1';

const TOKEN = /^[A-Za-z0-9._~+/=-]{1,4096}$/;

/** Where the token came from, and which subprotocol the upgrade must answer with (if any). */
export interface WsCredentials {
  token: string | undefined;
  /** The `Sec-WebSocket-Protocol` to answer with; undefined when the client offered none. */
  protocol: string | undefined;
}

/**
 * Read the token from the offered subprotocols, else from `access_token` in the query. When
 * the client offered subprotocols, one of them must be selected: a non-token one if offered
 * (`tb.queue.v1`), else the token's own (browsers fail the handshake otherwise).
 */
export function wsCredentials(req: Pick<GatewayRequest, 'headers' | 'query'>): WsCredentials {
  const offered = (req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const bearer = offered.find((p) => p.startsWith(BEARER_PROTOCOL_PREFIX));
  const other = offered.find((p) => !p.startsWith(BEARER_PROTOCOL_PREFIX));
  const protocol = other ?? bearer;
  if (bearer) return { token: bearer.slice(BEARER_PROTOCOL_PREFIX.length), protocol };
  const fromQuery = new URLSearchParams(req.query).get('access_token') ?? undefined;
  return { token: fromQuery || undefined, protocol };
}

/**
 * Check the upgrade's token synchronously (signature and claims: the upgrade is completed inside
 * uWS's handler, never later). Throws `AUTH_TOKEN_MISSING`, `AUTH_TOKEN_INVALID` or
 * `AUTH_TOKEN_EXPIRED` (401). The account checks that need I/O (deleted user) run after `open`.
 */
export function authenticateUpgrade(token: string | undefined, check: SyncAccessTokenCheck | undefined): SyncAccessClaims {
  if (token === undefined) throw new TbError('AUTH_TOKEN_MISSING');
  if (!TOKEN.test(token) || !check) throw new TbError('AUTH_TOKEN_INVALID');
  return check(token);
}
