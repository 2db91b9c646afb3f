/**
 * @module gateway
 * The gateway's front door: build a gateway, declare routes and middlewares, and the
 * transport-free request/response types. The uWebSockets.js adapter, the pipeline and the
 * built-in routes are internal; other folders import only from here.
 */
export { createGateway } from './app.js';
export { defineRoute } from './route.js';
export { createRequest } from './request.js';
export { Router, toOpenApiPath } from './router.js';
export { buildOpenApi } from './openapi.js';
export { renderDocsPage } from './docs-page.js';
export { errorResponse, jsonResponse, toResponse, ErrorResponseSchema } from './responses.js';
export { REQUEST_ID_HEADER, newRequestId, isSaneRequestId } from './middleware/request-id/index.js';
export { bearerToken } from './middleware/auth/index.js';
export { TokenBucketLimiter } from './middleware/rate-limit/token-bucket.js';
export { OPENAPI_PATH } from './builtin/doc-routes.js';
export { routes, createRoutes } from './routes/index.js';

export type { Gateway, GatewayDeps } from './app.js';
export type { GatewayRequestInit } from './request.js';
export type { RouteMatch } from './router.js';
export type { OpenApiInfo } from './openapi.js';
export type { TokenBucketOptions, TakeResult } from './middleware/rate-limit/token-bucket.js';
export type {
  GatewayRequest,
  GatewayResponse,
  RouteResult,
  RouteDefinition,
  RouteContext,
  AnyRoute,
  AuthMode,
  AuthUser,
  VerifyAccessToken,
  ReadinessCheck,
  Middleware,
  HookContext,
  EarlyHook,
  RequestHandler,
  HeaderMap,
  GatewaySocket,
  WebSocketRoute,
  HttpServer,
} from './types.js';
