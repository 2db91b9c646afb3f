/**
 * @module gateway/openapi
 * The OpenAPI 3.1 document, generated from the route definitions (TypeBox schemas are JSON
 * Schema, which 3.1 uses as is). Invariant: every visible route appears with exactly the
 * parameters, headers, body and responses the pipeline enforces, plus the error responses the
 * pipeline itself can produce (validation, auth, body limit, rate limit, internal). The document
 * passes Redocly's recommended rules (`test/gateway/openapi-lint.test.ts`): public operations say
 * `security: []`, every tag is described, every header a route reads is a declared parameter,
 * and every response schema with a `title` (`EventView`) becomes a named component used by `$ref`.
 */
import { Kind, type TSchema } from '@sinclair/typebox';
import { IDEMPOTENCY_PARAMETER, MUTATING_METHODS } from './middleware/idempotency-key/index.js';
import { REQUEST_ID_HEADER } from './middleware/request-id/index.js';
import { ErrorResponseSchema } from './responses.js';
import { toOpenApiPath } from './router.js';
import type { AnyRoute } from './types.js';

/** Document metadata. */
export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

type Json = Record<string, unknown>;

const ERROR_REF = { $ref: '#/components/schemas/ErrorResponse' };

/** What each tag groups; a tag without an entry here is described by its name. */
const TAG_DESCRIPTIONS: Record<string, string> = {
  auth: 'Accounts: register, sign in, refresh and revoke tokens, verify the email address.',
  me: 'The signed-in account: profile, password, deletion.',
  internal: 'Operator and service-to-service lookups (platform admins only).',
  events: 'Events and their life cycle (DRAFT → CONFIGURED → APPROVED → PUBLISHED, or CANCELLED), staff roles.',
  'ticket-classes': 'Ticket classes of an event: price, stock, sale window, pause and close.',
  waitroom: 'The virtual waiting room: join, your place, claim a checkout slot; admission controls for staff.',
  catalog: 'Public listing and search of published events (a PostgreSQL projection, slightly behind the actors).',
  payments: 'Payment provider callbacks and webhooks (signed by the provider), and the sandbox provider.',
  orders: 'Buying tickets: create, read and cancel orders; my orders; refunds by event admins.',
  organizer: 'Organizer views of an event: orders, attendees, exports, sales and check-in statistics.',
  tickets: 'Issued tickets, their codes, QR and PDF, transfers, and check-in at the doors.',
  system: 'Health, readiness and this document.',
};

/** The request-id header, read on every request (and echoed on every response). */
const REQUEST_ID_PARAMETER = {
  name: 'X-Request-Id',
  in: 'header',
  required: false,
  description: `Correlation id (1–128 of A-Za-z0-9._:-), kept when sane and echoed as \`${REQUEST_ID_HEADER}\`; otherwise one is generated.`,
  schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
};

/**
 * A plain-JSON copy of a schema: TypeBox's symbol keys dropped, `$id` removed, and every
 * `x-documented` overlay merged in (rules a service enforces with its own error code, such as the
 * password policy, documented here although the pipeline's validator leaves them to the service).
 */
function plain(schema: TSchema): Json {
  const copy = JSON.parse(JSON.stringify(schema), (_key, value: unknown) => {
    if (!value || typeof value !== 'object' || Array.isArray(value) || !('x-documented' in value)) return value;
    const { 'x-documented': overlay, ...rest } = value as Json;
    return { ...rest, ...(overlay as Json) };
  }) as Json;
  delete copy['$id'];
  return copy;
}

/**
 * Replace every sub-schema that carries a component-like `title` (`EventView`) by a `$ref`, and
 * collect it in `named`. Two different schemas with the same title are a programming error.
 */
function hoist(node: unknown, named: Map<string, Json>): unknown {
  if (Array.isArray(node)) return node.map((n) => hoist(n, named));
  if (!node || typeof node !== 'object') return node;
  const obj = node as Json;
  const out: Json = {};
  for (const [k, v] of Object.entries(obj)) out[k] = k === 'examples' || k === 'example' || k === 'default' ? v : hoist(v, named);
  const title = obj['title'];
  if (typeof title === 'string' && /^[A-Z][A-Za-z0-9]+$/.test(title)) {
    const text = JSON.stringify(out);
    const seen = named.get(title);
    if (seen && JSON.stringify(seen) !== text) throw new Error(`OpenAPI: two different schemas are titled ${title}`);
    named.set(title, out);
    return { $ref: `#/components/schemas/${title}` };
  }
  return out;
}

function errorResponse(description: string, headers?: Json): Json {
  return { description, ...(headers ? { headers } : {}), content: { 'application/json': { schema: ERROR_REF } } };
}

function parametersOf(where: 'path' | 'query' | 'header', schema: TSchema | undefined): Json[] {
  if (!schema) return [];
  const s = plain(schema);
  const props = (s['properties'] ?? {}) as Record<string, Json>;
  const required = new Set((s['required'] ?? []) as string[]);
  return Object.entries(props).map(([name, prop]) => {
    const { description, examples, ...rest } = prop;
    const p: Json = { name, in: where, required: where === 'path' || required.has(name), schema: rest };
    if (description !== undefined) p['description'] = description;
    if (Array.isArray(examples) && examples.length > 0) p['example'] = examples[0];
    return p;
  });
}

function responsesOf(route: AnyRoute, named: Map<string, Json>): Json {
  const out: Json = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    // A bare TypeBox schema carries the Kind symbol; anything else is the `{ description, schema }` form.
    const wrapped =
      Kind in spec
        ? { description: '', schema: spec as TSchema }
        : (spec as { description: string; schema?: TSchema; contentType?: string });
    const description = wrapped.description || (Number(status) < 300 ? 'Success' : 'Error');
    out[status] = wrapped.schema
      ? { description, content: { [wrapped.contentType ?? 'application/json']: { schema: hoist(plain(wrapped.schema), named) } } }
      : { description };
  }
  const add = (status: string, description: string, headers?: Json) => {
    out[status] ??= errorResponse(description, headers);
  };
  if (route.params || route.query || route.body || route.headers || MUTATING_METHODS.has(route.method)) {
    add('400', 'Invalid request (COMMAND_INVALID, HTTP_MALFORMED_JSON)');
  }
  if (route.auth !== 'none') add('401', 'Missing or invalid access token (AUTH_TOKEN_MISSING, AUTH_TOKEN_INVALID)');
  if (route.roles?.length) add('403', 'The caller lacks the required role (AUTH_FORBIDDEN)');
  if (route.body) {
    add('413', 'Body too large (HTTP_PAYLOAD_TOO_LARGE)');
    add('415', 'Body is not application/json (HTTP_UNSUPPORTED_MEDIA_TYPE)');
  }
  add('429', 'Rate limited (HTTP_RATE_LIMITED); see Retry-After', { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } });
  add('500', 'Internal error (INTERNAL)');
  return out;
}

function operationId(route: AnyRoute): string {
  if (route.operationId) return route.operationId;
  const words = route.path
    .split('/')
    .filter(Boolean)
    .map((s) => (s.startsWith(':') ? `by-${s.slice(1)}` : s));
  return [route.method.toLowerCase(), ...words]
    .join('-')
    .replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''));
}

function securityOf(route: AnyRoute): Json[] {
  if (route.auth === 'required') return [{ bearerAuth: [] }];
  if (route.auth === 'optional') return [{ bearerAuth: [] }, {}];
  return [];
}

/** Build the document for `routes` (hidden routes left out). Pure; throws only on two schemas with one title. */
export function buildOpenApi(routes: readonly AnyRoute[], info: OpenApiInfo): Json {
  const paths: Record<string, Json> = {};
  const tags = new Set<string>();
  const named = new Map<string, Json>();
  for (const route of routes) {
    if (route.hidden) continue;
    for (const t of route.tags) tags.add(t);
    const op: Json = {
      operationId: operationId(route),
      summary: route.summary,
      tags: route.tags,
      security: securityOf(route),
      parameters: [
        ...parametersOf('path', route.params),
        ...parametersOf('query', route.query),
        ...parametersOf('header', route.headers),
        // Inline, not `$ref`: clients and the fuzzer read an operation's parameters directly.
        ...(MUTATING_METHODS.has(route.method) && !route.rawBody ? [{ ...IDEMPOTENCY_PARAMETER }] : []),
        { ...REQUEST_ID_PARAMETER },
      ],
      responses: responsesOf(route, named),
    };
    if (route.description) op['description'] = route.description;
    // Request bodies stay inline (whole): a client generator and the fuzzer read them in place.
    if (route.body) op['requestBody'] = { required: true, content: { 'application/json': { schema: plain(route.body) } } };
    const key = toOpenApiPath(route.path);
    paths[key] = { ...(paths[key] ?? {}), [route.method.toLowerCase()]: op };
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, ...(info.description ? { description: info.description } : {}) },
    servers: [{ url: '/' }],
    tags: [...tags].sort().map((name) => ({ name, description: TAG_DESCRIPTIONS[name] ?? `Operations tagged ${name}.` })),
    paths,
    components: {
      schemas: { ErrorResponse: plain(ErrorResponseSchema), ...Object.fromEntries([...named].sort(([a], [b]) => a.localeCompare(b))) },
      headers: {
        RetryAfter: { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } },
      },
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'The access token from POST /api/v1/auth/login (or /refresh), as `Authorization: Bearer <token>`.',
        },
      },
    },
  };
}
