/**
 * @module gateway/routes/payments
 * Payment provider webhooks (no auth: the provider's signature is the authentication), the VNPay
 * browser return page, the local sandbox payment page + API, and the platform admins' list of
 * flagged payments. Invariants: a webhook is verified over the raw bytes/query exactly as
 * received (no body schema, so the gateway never re-serializes it) before anything is recorded,
 * and every answer is the provider's own (`callbackAnswer`); nothing here completes an order —
 * a verified callback only enters the payment inbox, whose event the order saga consumes. The
 * sandbox pay API acts only on the signed payment link or for the payment's signed-in owner, and in
 * production mode no sandbox route exists at all unless `TB_SANDBOX_STAGING=1`.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../../config/index.js';
import { TbError, Type } from '../../contracts/index.js';
import { PLATFORM_ADMIN_ROLE } from '../../contracts/kinds/index.js';
import type { Db } from '../../db/index.js';
import { listFlaggedPayments } from '../../orders/payment-events.js';
import { hasSandbox, type PaymentProviders, type PaymentStore } from '../../payments/index.js';
import { renderResultPage, renderSandboxPayPage, type HtmlPage } from '../../payments/sandbox-page.js';
import { SANDBOX_CALLBACK_PATH, createSandboxPayer, verifySandboxLink, type SandboxPayer } from '../../payments/sandbox-pay.js';
import { callbackQuery, createWebhookHandler } from '../../payments/webhooks.js';
import { defineRoute } from '../route.js';
import type { AnyRoute, RouteContext } from '../types.js';
import { problem } from './shared.js';
import { SandboxSignatureHeaders } from './headers.js';

/** What the payment routes are bound to. */
export interface PaymentRouteDeps {
  providers: PaymentProviders;
  store: PaymentStore;
  db: Db;
  log: Logger;
  config: Pick<Config, 'sandboxPaymentSecret' | 'sandboxCallbackUrl' | 'publicBaseUrl' | 'sandboxPayEnabled' | 'sandboxMaxDelayMs'> &
    Partial<Pick<Config, 'deployEnv' | 'sandboxStaging'>>;
  registry?: Registry;
  /** The simulated sandbox provider (default: one built from `config`). */
  sandbox?: SandboxPayer;
}

const TAGS = ['payments'];
const answerDoc = { 200: { description: "The provider's expected answer (its own JSON; refusals and retries use the provider's codes)" } };
const html = (p: HtmlPage) => ({ status: p.status, headers: p.headers, body: p.body });

/** The callback target of the simulated sandbox provider. */
export function sandboxCallbackTarget(cfg: PaymentRouteDeps['config']): string {
  return cfg.sandboxCallbackUrl || `${cfg.publicBaseUrl.replace(/\/+$/, '')}${SANDBOX_CALLBACK_PATH}`;
}

const LinkBody = Type.Object(
  {
    orderCode: Type.String({ maxLength: 64 }),
    amountMinor: Type.String({ maxLength: 20 }),
    currency: Type.String({ maxLength: 8 }),
    returnUrl: Type.String({ maxLength: 2_000 }),
    callbackUrl: Type.String({ maxLength: 2_000 }),
    sig: Type.String({ maxLength: 128 }),
  },
  { additionalProperties: false },
);
const SandboxPayBody = Type.Object(
  {
    orderCode: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
    outcome: Type.Union([Type.Literal('completed'), Type.Literal('failed')]),
    delayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000 })),
    link: Type.Optional(LinkBody),
  },
  { additionalProperties: false },
);
const SandboxPayResult = Type.Object({
  orderCode: Type.String(),
  providerTxnId: Type.String(),
  outcome: Type.String(),
  amountMinor: Type.Integer(),
  currency: Type.String(),
  callbackAt: Type.Integer({ description: 'when the signed callback is sent (ms since the epoch)' }),
});

/** The payment routes bound to `deps`. */
export function paymentRoutes(deps: PaymentRouteDeps): AnyRoute[] {
  const webhook = createWebhookHandler({
    providers: deps.providers,
    store: deps.store,
    log: deps.log,
    ...(deps.registry ? { registry: deps.registry } : {}),
  });
  const sandbox =
    deps.sandbox ??
    createSandboxPayer({
      db: deps.db,
      secret: deps.config.sandboxPaymentSecret,
      log: deps.log,
      callbackUrl: () => sandboxCallbackTarget(deps.config),
      maxDelayMs: deps.config.sandboxMaxDelayMs,
    });
  const sandboxOn = () => {
    if (deps.config.sandboxPayEnabled !== 1) throw new TbError('WEBHOOK_SANDBOX_DISABLED');
  };

  const post = (provider: string, path: string, summary: string) =>
    defineRoute({
      method: 'POST',
      path,
      summary,
      tags: TAGS,
      auth: 'none',
      responses: answerDoc,
      rawBody: true,
      description: 'Verified over the raw body; recorded once in the payment inbox (dedupe by the provider transaction id).',
      handler: async (ctx) => {
        const r = await webhook(
          provider,
          { headers: ctx.request.headers, body: ctx.request.body, query: callbackQuery(ctx.query as Record<string, unknown>) },
          ctx.requestId,
        );
        return { status: r.answer.status, headers: r.answer.headers, body: r.answer.body };
      },
    });

  const sandboxPage = async (ctx: RouteContext<unknown, unknown, unknown>, ref?: string) => {
    sandboxOn();
    const q = ctx.query as Record<string, unknown>;
    try {
      const link = verifySandboxLink(deps.config.sandboxPaymentSecret, q);
      if (ref !== undefined && ref !== `sbx_${link.orderCode}`)
        throw new TbError('WEBHOOK_SANDBOX_LINK_INVALID', { reason: 'the path does not match the order' });
      return html(renderSandboxPayPage(link, String(q['sig'])));
    } catch (err) {
      if (!TbError.is(err, 'WEBHOOK_SANDBOX_LINK_INVALID')) throw err;
      return html(renderResultPage(400, 'Invalid payment link', 'This sandbox payment link is incomplete or was altered.'));
    }
  };

  // The sandbox exists in development, and in production only on a staging deployment (TB_SANDBOX_STAGING=1).
  const sandboxRoutes: AnyRoute[] = !hasSandbox(deps.config)
    ? []
    : [
        {
          ...post('sandbox', '/api/v1/payments/sandbox/callback', 'Sandbox payment callback (signed x-tb-sandbox-signature)'),
          headers: SandboxSignatureHeaders,
        },
        defineRoute({
          method: 'GET',
          path: '/api/v1/payments/sandbox/pay',
          summary: 'Sandbox payment page (signed link from the sandbox provider)',
          tags: TAGS,
          auth: 'none',
          responses: {
            200: { description: 'HTML page with Pay / Fail', contentType: 'text/html' },
            400: { description: 'HTML page: the link was altered' },
          },
          handler: (ctx) => sandboxPage(ctx),
        }),
        defineRoute({
          method: 'GET',
          path: '/sandbox/pay/:ref',
          summary: 'Sandbox payment page (the path the sandbox provider signs)',
          tags: TAGS,
          auth: 'none',
          hidden: true,
          responses: { 200: { description: 'HTML page', contentType: 'text/html' } },
          handler: (ctx) => sandboxPage(ctx, ctx.params['ref']),
        }),
        defineRoute({
          method: 'POST',
          path: '/api/v1/payments/sandbox/pay',
          summary: 'Pay or fail a sandbox payment (API form, for load tests)',
          tags: TAGS,
          auth: 'optional',
          description:
            "Acts only with the signed payment `link` (what the sandbox page sends) or for the signed-in owner of the payment; knowing an order code is not enough. After `delayMs` the gateway, acting as the provider, sends a signed callback to the sandbox callback route over HTTP (`sandboxCallbackUrl` (config/tuning.ts)). The amount is the recorded one (or the signed link's), never the client's.",
          body: SandboxPayBody,
          responses: {
            202: SandboxPayResult,
            400: problem('Altered link (WEBHOOK_SANDBOX_LINK_INVALID)'),
            403: problem("Neither the signed link nor the payment's owner (WEBHOOK_SANDBOX_FORBIDDEN)"),
            404: problem('The sandbox is off'),
          },
          handler: async (ctx) => {
            sandboxOn();
            const { orderCode, outcome, delayMs, link: raw } = ctx.body;
            const link = raw ? verifySandboxLink(deps.config.sandboxPaymentSecret, raw) : undefined;
            if (link && link.orderCode !== orderCode)
              throw new TbError('WEBHOOK_SANDBOX_LINK_INVALID', { reason: 'orderCode differs from the link' });
            const { delivered: _d, ...paid } = await sandbox.pay({
              orderCode,
              outcome,
              ...(delayMs !== undefined ? { delayMs } : {}),
              ...(link ? { link } : {}),
              ...(ctx.user ? { ownerId: ctx.user.userId } : {}),
            });
            return { status: 202, body: paid };
          },
        }),
      ];

  return [
    post('zalopay', '/api/v1/payments/zalopay/callback', 'ZaloPay payment callback'),
    post('payos', '/api/v1/payments/payos/webhook', 'PayOS payment webhook'),
    defineRoute({
      method: 'GET',
      path: '/api/v1/payments/vnpay/ipn',
      summary: 'VNPay IPN (server-to-server)',
      tags: TAGS,
      auth: 'none',
      responses: answerDoc,
      handler: async (ctx) => {
        const r = await webhook(
          'vnpay',
          { headers: ctx.request.headers, body: new Uint8Array(0), query: callbackQuery(ctx.query as Record<string, unknown>) },
          ctx.requestId,
        );
        return { status: r.answer.status, headers: r.answer.headers, body: r.answer.body };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/payments/vnpay/return',
      summary: 'VNPay browser return page',
      tags: TAGS,
      auth: 'none',
      description: 'Verifies the signed return URL and shows the order status. Records nothing: the IPN is authoritative.',
      responses: { 200: { description: 'HTML page', contentType: 'text/html' } },
      handler: async (ctx) => {
        const v = deps.providers
          .get('vnpay')
          .verifyCallback({ headers: ctx.request.headers, body: '', query: callbackQuery(ctx.query as Record<string, unknown>) });
        if (!v.ok) return html(renderResultPage(400, 'Payment result not recognised', 'This return link is not a valid VNPay result.'));
        const p = await deps.store.latestByOrderCode('vnpay', v.event.orderCode);
        let status = p?.status ?? 'UNKNOWN';
        if (p) {
          const order = await ctx.actors
            .order(p.orderId)
            .get({ viewerId: p.userId })
            .catch(() => undefined);
          if (order?.status) status = order.status;
        }
        const said =
          v.event.outcome === 'completed'
            ? 'VNPay reports the payment as successful.'
            : v.event.outcome === 'pending'
              ? 'VNPay is still processing the payment.'
              : 'VNPay reports the payment as not completed.';
        return html(
          renderResultPage(200, 'Payment result', said, [
            ['Order', v.event.orderCode],
            ['Order status', status],
            ['Amount', `${v.event.amountMinor} ${v.event.currency}`],
          ]),
        );
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/internal/flagged-payments',
      summary: 'Payments an operator must look at (mismatch, late, refused)',
      tags: ['internal'],
      auth: 'required',
      roles: [PLATFORM_ADMIN_ROLE],
      query: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }),
      responses: { 200: { description: '`{ items }`, newest first, unresolved only' } },
      handler: async (ctx) => ({ body: { items: await listFlaggedPayments(deps.db, { limit: ctx.query.limit ?? 100 }) } }),
    }),
    ...sandboxRoutes,
  ];
}
