/**
 * @module gateway/routes/headers
 * The request headers routes read besides the pipeline's own (`Authorization`, `Idempotency-Key`,
 * `X-Request-Id`), as TypeBox objects for a route's `headers`: the OpenAPI document declares them
 * as header parameters. The handlers read them (lower-cased) and check them themselves.
 */
import { Type } from '../../contracts/index.js';

/** The access code of a private event: lets a buyer read it, join its waitroom and order. */
export const AccessCodeHeaders = Type.Object({
  'X-Event-Access-Code': Type.Optional(
    Type.String({
      maxLength: 64,
      description: 'The access code of a private event (set by its organizer); without it a private event answers 404.',
      examples: ['summer-friends-2026'],
    }),
  ),
});

/** The language of the account's mails when the body names none. */
export const AcceptLanguageHeaders = Type.Object({
  'Accept-Language': Type.Optional(
    Type.String({
      maxLength: 256,
      description: "Chooses the language of the account's mails (en, vi) when `locale` is not sent.",
      examples: ['vi-VN,vi;q=0.9,en;q=0.8'],
    }),
  ),
});

/** Kept with the refresh token, for the account's session list. */
export const UserAgentHeaders = Type.Object({
  'User-Agent': Type.Optional(Type.String({ description: 'Kept (first 256 characters) with the refresh token, to name the session.' })),
});

/** The sandbox provider's signature over the raw body. */
export const SandboxSignatureHeaders = Type.Object({
  'X-Tb-Sandbox-Signature': Type.String({
    description: 'HMAC-SHA256 of the raw body with the sandbox secret, hex; a bad signature is refused.',
  }),
});
