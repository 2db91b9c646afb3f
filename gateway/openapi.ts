/**
 * @module gateway/openapi
 * The OpenAPI 3.1 document, generated from the route definitions (TypeBox schemas are JSON
 * Schema, which 3.1 uses as is). Invariant: every visible route appears with exactly the
 * parameters, body and responses the pipeline enforces, plus the error responses the pipeline
 * itself can produce (validation, auth, body limit, rate limit, internal).
 */
import { Kind, type TSchema } from '@sinclair/typebox';
import { IDEMPOTENCY_PARAMETER, MUTATING_METHODS } from './middleware/idempotency-key/index.js';
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

/** A plain-JSON copy of a schema: TypeBox's symbol keys dropped, `$id` removed. */
function plain(schema: TSchema): Json {
  const copy = JSON.parse(JSON.stringify(schema)) as Json;
  delete copy['$id'];
  return copy;
}

function errorResponse(description: string): Json {
  return { description, content: { 'application/json': { schema: ERROR_REF } } };
}

function parametersOf(where: 'path' | 'query', schema: TSchema | undefined): Json[] {
  if (!schema) return [];
  const s = plain(schema);
  const props = (s['properties'] ?? {}) as Record<string, Json>;
  const required = new Set((s['required'] ?? []) as string[]);
  return Object.entries(props).map(([name, prop]) => {
    const { description, ...rest } = prop;
    const p: Json = { name, in: where, required: where === 'path' || required.has(name), schema: rest };
    if (description !== undefined) p['description'] = description;
    return p;
  });
}

function responsesOf(route: AnyRoute): Json {
  const out: Json = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    // A bare TypeBox schema carries the Kind symbol; anything else is the `{ description, schema }` form.
    const wrapped = Kind in spec ? { description: '', schema: spec as TSchema } : (spec as { description: string; schema?: TSchema; contentType?: string });
    const description = wrapped.description || (Number(status) < 300 ? 'Success' : 'Error');
    out[status] = wrapped.schema
      ? { description, content: { [wrapped.contentType ?? 'application/json']: { schema: plain(wrapped.schema) } } }
      : { description };
  }
  const add = (status: string, description: string) => {
    out[status] ??= errorResponse(description);
  };
  if (route.params || route.query || route.body || MUTATING_METHODS.has(route.method)) add('400', 'Invalid request (COMMAND_INVALID, HTTP_MALFORMED_JSON)');
  if (route.auth !== 'none') add('401', 'Missing or invalid access token (AUTH_TOKEN_MISSING, AUTH_TOKEN_INVALID)');
  if (route.roles?.length) add('403', 'The caller lacks the required role (AUTH_FORBIDDEN)');
  if (route.body) {
    add('413', 'Body too large (HTTP_PAYLOAD_TOO_LARGE)');
    add('415', 'Body is not application/json (HTTP_UNSUPPORTED_MEDIA_TYPE)');
  }
  add('429', 'Rate limited (HTTP_RATE_LIMITED); see Retry-After');
  add('500', 'Internal error (INTERNAL)');
  return out;
}

function operationId(route: AnyRoute): string {
  if (route.operationId) return route.operationId;
  const words = route.path.split('/').filter(Boolean).map((s) => (s.startsWith(':') ? `by-${s.slice(1)}` : s));
  return [route.method.toLowerCase(), ...words].join('-').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''));
}

/** Build the document for `routes` (hidden routes left out). Pure; throws nothing. */
export function buildOpenApi(routes: readonly AnyRoute[], info: OpenApiInfo): Json {
  const paths: Record<string, Json> = {};
  const tags = new Set<string>();
  for (const route of routes) {
    if (route.hidden) continue;
    route.tags.forEach((t) => tags.add(t));
    const op: Json = {
      operationId: operationId(route),
      summary: route.summary,
      tags: route.tags,
      parameters: [
        ...parametersOf('path', route.params), ...parametersOf('query', route.query),
        ...(MUTATING_METHODS.has(route.method) && !route.rawBody ? [{ ...IDEMPOTENCY_PARAMETER }] : []),
      ],
      responses: responsesOf(route),
    };
    if (route.description) op['description'] = route.description;
    if (route.body) op['requestBody'] = { required: true, content: { 'application/json': { schema: plain(route.body) } } };
    if (route.auth === 'required') op['security'] = [{ bearerAuth: [] }];
    if (route.auth === 'optional') op['security'] = [{ bearerAuth: [] }, {}];
    const key = toOpenApiPath(route.path);
    paths[key] = { ...(paths[key] ?? {}), [route.method.toLowerCase()]: op };
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, ...(info.description ? { description: info.description } : {}) },
    servers: [{ url: '/' }],
    tags: [...tags].sort().map((name) => ({ name })),
    paths,
    components: {
      schemas: { ErrorResponse: plain(ErrorResponseSchema) },
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
