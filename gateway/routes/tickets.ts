/**
 * @module gateway/routes/tickets
 * Tickets and check-in over HTTP: my tickets (list, one with its code, QR as SVG/PNG, PDF,
 * transfer), an order's tickets, the platform's public key for offline scanners, and the doors:
 * check one code in, upload an offline gate's scans, check-in lists and the signed offline list.
 * Invariants: the buyer is always the verified caller; another user's ticket or order answers the
 * same 404 as a missing one; only event staff with `checkIn` (admin, editor, scanner) scan.
 */
import { TbError, Type } from '../../contracts/index.js';
import { EventPermission } from '../../contracts/kinds/index.js';
import { CheckinLimits } from '../../contracts/kinds/checkin.js';
import {
  BatchScanResult,
  CheckinListView,
  CheckinResult,
  TicketDetail,
  TicketList,
  TicketView,
  qrPng,
  qrSvg,
  ticketPdf,
  type Tickets,
} from '../../tickets/index.js';
import { defineRoute } from '../route.js';
import type { AnyRoute } from '../types.js';
import { checkAccess } from './event-lifecycle.js';
import { EpochMs, EventParams, commandIdFor, eventNotFound, problem, userOf } from './shared.js';

/** What the ticket routes are bound to. */
export interface TicketRouteDeps {
  tickets: Tickets;
}

const TAGS = ['tickets'];
const TicketParams = Type.Object(
  { ticketId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,80}$', description: 'ticket id, `<orderId>-<n>`' }) },
  { additionalProperties: false },
);
const OrderParams = Type.Object({ orderId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) }, { additionalProperties: false });
const Gate = Type.String({ minLength: 1, maxLength: CheckinLimits.maxGateLength, pattern: '^[A-Za-z0-9 _.-]+$' });
const ListId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
const Code = Type.String({ minLength: 1, maxLength: 400, description: 'the scanned QR text' });
const NOT_MINE = problem("No such ticket, or not the caller's (TICKET_NOT_FOUND)");
const SCAN_REFUSALS = problem(
  'Already checked in (CHECKIN_ALREADY, with `at`, `atIso` and `gate`), void (CHECKIN_TICKET_VOIDED, with `reason`), another event (CHECKIN_WRONG_EVENT), a stale rotating code (CHECKIN_CODE_EXPIRED), a class the list does not admit (CHECKIN_NOT_ON_LIST)',
);

const binary = (contentType: string, body: string | Buffer, filename?: string) => ({
  headers: {
    'content-type': contentType,
    'cache-control': 'no-store',
    ...(filename ? { 'content-disposition': `inline; filename="${filename}"` } : {}),
  },
  body: typeof body === 'string' ? body : new Uint8Array(body),
});

/** The ticket routes bound to `deps`. */
export function ticketRoutes(deps: TicketRouteDeps): AnyRoute[] {
  const { tickets } = deps;
  const mine = async (ticketId: string, userId: string): Promise<TicketView> => {
    const t = await tickets.store.get(ticketId);
    if (!t || t.ownerId !== userId) throw new TbError('TICKET_NOT_FOUND', { ticketId });
    return t;
  };
  const staff = async (ctx: Parameters<typeof checkAccess>[0], eventId: string, need: string) => {
    const a = await checkAccess(ctx, eventId);
    if (a.permissions.includes(need)) return;
    if (!a.permissions.includes(EventPermission.Read)) throw eventNotFound(eventId);
    throw new TbError('CHECKIN_FORBIDDEN', { userId: a.userId, eventId });
  };
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/me/tickets',
      summary: 'My tickets, newest first',
      tags: TAGS,
      auth: 'required',
      responses: { 200: TicketList },
      handler: async (ctx) => ({ body: { tickets: await tickets.service.listMine(userOf(ctx).userId) } }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/me/tickets/:ticketId',
      summary: 'One of my tickets, with its signed code (and, for rotating events, the secret my phone keeps)',
      tags: TAGS,
      auth: 'required',
      params: TicketParams,
      responses: { 200: TicketDetail, 404: NOT_MINE },
      handler: async (ctx) => ({
        headers: { 'cache-control': 'no-store' },
        body: await tickets.service.getMine(ctx.params.ticketId, userOf(ctx).userId),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/me/tickets/:ticketId/qr.svg',
      summary: "My ticket's QR code (SVG; rotating events: the live code)",
      tags: TAGS,
      auth: 'required',
      params: TicketParams,
      responses: { 200: { description: 'SVG image', contentType: 'image/svg+xml' }, 404: NOT_MINE },
      handler: async (ctx) =>
        binary('image/svg+xml', await qrSvg(await tickets.service.currentCode(await mine(ctx.params.ticketId, userOf(ctx).userId)))),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/me/tickets/:ticketId/qr.png',
      summary: "My ticket's QR code (PNG)",
      tags: TAGS,
      auth: 'required',
      params: TicketParams,
      responses: { 200: { description: 'PNG image', contentType: 'image/png' }, 404: NOT_MINE },
      handler: async (ctx) =>
        binary('image/png', await qrPng(await tickets.service.currentCode(await mine(ctx.params.ticketId, userOf(ctx).userId)))),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/me/tickets/:ticketId/ticket.pdf',
      summary: 'My ticket as a one-page PDF',
      tags: TAGS,
      auth: 'required',
      params: TicketParams,
      responses: { 200: { description: 'PDF document', contentType: 'application/pdf' }, 404: NOT_MINE },
      handler: async (ctx) => {
        const t = await mine(ctx.params.ticketId, userOf(ctx).userId);
        const pdf = await ticketPdf(t, await tickets.service.currentCode(t), await tickets.lookups.settings(t.eventId), t.ownerId);
        return binary('application/pdf', pdf, `${t.ticketId}.pdf`);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/me/tickets/:ticketId/transfer',
      summary: 'Give my ticket to another account (the old code stops working at once)',
      tags: TAGS,
      auth: 'required',
      params: TicketParams,
      body: Type.Object(
        { toUserId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$' }) },
        { additionalProperties: false },
      ),
      responses: {
        200: TicketView,
        400: problem('TICKET_TRANSFER_TARGET_INVALID'),
        404: NOT_MINE,
        409: problem('Not valid any more (TICKET_NOT_TRANSFERABLE)'),
      },
      handler: async (ctx) => ({ body: await tickets.service.transfer(ctx.params.ticketId, userOf(ctx).userId, ctx.body.toUserId) }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/orders/:orderId/tickets',
      summary: 'The tickets of my order',
      tags: TAGS,
      auth: 'required',
      description:
        'Owner only; anyone else (and an order without tickets yet) gets 404. Tickets are issued by the tickets process shortly after the order completes.',
      params: OrderParams,
      responses: { 200: TicketList, 404: problem('HISTORY_ORDER_NOT_FOUND') },
      handler: async (ctx) => ({ body: { tickets: await tickets.service.listForOrder(ctx.params.orderId, userOf(ctx).userId) } }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/tickets/public-key',
      summary: 'The key that signs every ticket code (for offline scanners)',
      tags: TAGS,
      auth: 'none',
      description:
        'A code `TB1.<ticketId>.<eventId>.<classId>.<sig>` is genuine when `sig` (base64url) is an Ed25519 signature of the part before it under this key.',
      responses: {
        200: Type.Object({
          keyId: Type.String(),
          alg: Type.Literal('EdDSA'),
          jwk: Type.Object({ kty: Type.String(), crv: Type.String(), x: Type.String() }),
          pem: Type.String(),
        }),
      },
      handler: async () => ({
        headers: { 'cache-control': 'public, max-age=300' },
        body: { keyId: tickets.signer.keyId, alg: 'EdDSA' as const, jwk: tickets.signer.publicJwk, pem: tickets.signer.publicKeyPem },
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/events/:eventId/check-ins',
      summary: 'Check a scanned ticket in at a gate (event staff: admin, editor, scanner)',
      tags: TAGS,
      auth: 'required',
      description: 'Exactly once per ticket across every gate. `listId` restricts the classes and gates to a check-in list.',
      params: EventParams,
      body: Type.Object({ code: Code, gate: Gate, listId: Type.Optional(ListId) }, { additionalProperties: false }),
      responses: {
        201: CheckinResult,
        400: problem('Not a code the platform signed (CHECKIN_CODE_INVALID), a gate not on the list (CHECKIN_GATE_UNKNOWN)'),
        403: problem('The caller may not scan this event (CHECKIN_FORBIDDEN)'),
        404: problem('No such event or list (COMMAND_NOT_FOUND, CHECKIN_LIST_NOT_FOUND)'),
        409: SCAN_REFUSALS,
      },
      handler: async (ctx) => {
        const u = userOf(ctx);
        const r = await tickets.checkin.scan({
          eventId: ctx.params.eventId,
          code: ctx.body.code,
          gate: ctx.body.gate,
          listId: ctx.body.listId,
          user: u,
          commandId: commandIdFor(ctx, 'checkin'),
        });
        return { status: 201, body: r };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/events/:eventId/check-ins/batch',
      summary: "Upload an offline gate's scans (earliest scan time wins; the others are reported)",
      tags: TAGS,
      auth: 'required',
      params: EventParams,
      body: Type.Object(
        {
          gate: Gate,
          listId: Type.Optional(ListId),
          scans: Type.Array(Type.Object({ code: Code, scannedAt: EpochMs }, { additionalProperties: false }), {
            minItems: 1,
            maxItems: CheckinLimits.maxScansPerCommand,
          }),
        },
        { additionalProperties: false },
      ),
      responses: {
        200: Type.Object({ results: Type.Array(BatchScanResult) }),
        403: problem('CHECKIN_FORBIDDEN'),
        404: problem('COMMAND_NOT_FOUND, CHECKIN_LIST_NOT_FOUND'),
      },
      handler: async (ctx) => ({
        body: await tickets.checkin.scanBatch({
          eventId: ctx.params.eventId,
          gate: ctx.body.gate,
          listId: ctx.body.listId,
          user: userOf(ctx),
          scans: ctx.body.scans,
          commandId: commandIdFor(ctx, 'checkin-batch'),
        }),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/events/:eventId/checkin-lists',
      summary: 'Create a check-in list: which classes, which gates (event admin or editor)',
      tags: TAGS,
      auth: 'required',
      params: EventParams,
      body: Type.Object(
        {
          listId: ListId,
          name: Type.String({ minLength: 1, maxLength: 100 }),
          classIds: Type.Optional(Type.Array(ListId, { minItems: 1, maxItems: 50 })),
          gates: Type.Array(Gate, { minItems: 1, maxItems: 50 }),
        },
        { additionalProperties: false },
      ),
      responses: { 201: CheckinListView, 403: problem('CHECKIN_FORBIDDEN'), 404: problem('COMMAND_NOT_FOUND') },
      handler: async (ctx) => {
        const { eventId } = ctx.params;
        await staff(ctx, eventId, EventPermission.Update);
        const list = { listId: ctx.body.listId, eventId, name: ctx.body.name, classIds: ctx.body.classIds ?? null, gates: ctx.body.gates };
        await tickets.store.createList({ ...list, createdBy: userOf(ctx).userId });
        return { status: 201, body: (await tickets.store.getList(eventId, list.listId)) ?? list };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/events/:eventId/checkin-lists',
      summary: "The event's check-in lists (event staff who scan)",
      tags: TAGS,
      auth: 'required',
      params: EventParams,
      responses: { 200: Type.Object({ lists: Type.Array(CheckinListView) }), 403: problem('CHECKIN_FORBIDDEN') },
      handler: async (ctx) => {
        await staff(ctx, ctx.params.eventId, EventPermission.CheckIn);
        return { body: { lists: await tickets.store.lists(ctx.params.eventId) } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/events/:eventId/checkin-lists/offline',
      summary: 'The signed list an offline gate downloads',
      tags: TAGS,
      auth: 'required',
      description:
        'Every ticket of the list (or event) with its status, the rotation key for rotating events, and an Ed25519 signature over the JSON of the other fields (same key as the codes).',
      params: EventParams,
      query: Type.Object({ listId: Type.Optional(ListId) }, { additionalProperties: false }),
      responses: {
        200: Type.Object({ signature: Type.String() }, { additionalProperties: true }),
        403: problem('CHECKIN_FORBIDDEN'),
        404: problem('CHECKIN_LIST_NOT_FOUND'),
      },
      handler: async (ctx) => {
        const { eventId } = ctx.params;
        await staff(ctx, eventId, EventPermission.CheckIn);
        const list = ctx.query.listId ? await tickets.store.getList(eventId, ctx.query.listId) : undefined;
        if (ctx.query.listId && !list) throw new TbError('CHECKIN_LIST_NOT_FOUND', { listId: ctx.query.listId, eventId });
        return { headers: { 'cache-control': 'no-store' }, body: await tickets.service.offlineList(eventId, list) };
      },
    }),
  ];
}
