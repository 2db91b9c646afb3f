/**
 * @module test/security/fuzz-openapi.test
 * Our own fuzzer (issue 10): a property-based walk (fast-check) over EVERY operation of the
 * gateway's OpenAPI document, against the real stack (`gateway/main.ts`, an actor node, the
 * workers, PostgreSQL, NATS: `test/e2e/stack.ts`), as an anonymous attacker and as a signed-in
 * stranger. Each request is hostile somewhere: wrong types, huge values, NUL and control
 * characters, prototype keys (`__proto__`, `constructor`), bad percent-encoding, invalid UTF-8,
 * malformed JSON, duplicate headers, bad tokens and idempotency keys, other people's ids.
 * Asserted for every answer: never a 5xx; a 4xx is JSON `{ error: { code } }` with a registered
 * code (provider webhooks and HTML pages answer in their own format: status only); and the
 * resources it aims at — an event, its ticket class, a PENDING order, the organizer's and the
 * buyer's accounts — read the same before and after (stock counters excepted: buying is allowed).
 * Bounded: `TB_FUZZ_RUNS` requests per operation and identity (default 40), `TB_FUZZ_SEED` (fixed
 * default, so CI is reproducible); prints `fuzz: operations=N requests=M 5xx=K`. A changed
 * target is attributed to the operation that changed it. It found, on the old code, 500s on NUL in
 * login and profile text (fixed in the gateway), and it finds that anyone holding an order code
 * can fail (or pay) that order through `POST /api/v1/payments/sandbox/pay` (issue 10 item 2,
 * fixed on the payments branch: until that is merged this test fails on exactly that).
 */
import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../contracts/index.js';
import { apiFor, grantPlatformAdmin, publishEvent, signUp, type Api, type User } from '../e2e/client.js';
import { startE2EStack, type E2EStack } from '../e2e/stack.js';

const RUNS = Number(process.env['TB_FUZZ_RUNS'] ?? 40);
const SEED = Number(process.env['TB_FUZZ_SEED'] ?? 20_261_203);

type Json = Record<string, any>;
interface Op {
  method: string;
  path: string;
  op: Json;
}
interface Sent {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: Buffer;
}
interface Answer {
  status: number;
  contentType: string;
  text: string;
}

let s: E2EStack;
let api: Api;
let organizer: User;
let buyer: User;
let attacker: User;
const target = { eventId: '', classId: '', orderId: '', orderCode: '' };

beforeAll(async () => {
  s = await startE2EStack({ nodes: 1 });
  api = apiFor(s.url);
  let admin: User;
  [organizer, admin, buyer, attacker] = [
    await signUp(api, 'organizer'),
    await signUp(api, 'admin'),
    await signUp(api, 'buyer'),
    await signUp(api, 'attacker'),
  ];
  await grantPlatformAdmin(s.db, admin.id);
  const ev = await publishEvent(api, organizer, admin, { classes: [{ total: 50, maxPerOrder: 4 }] });
  target.eventId = ev.eventId;
  target.classId = ev.classIds[0]!;
  const order = await api('POST', '/api/v1/orders', {
    token: buyer.token,
    key: 'fuzz-target-order',
    body: { eventId: target.eventId, lines: [{ classId: target.classId, quantity: 1 }] },
  });
  expect(order.status, JSON.stringify(order.body)).toBe(201);
  target.orderId = order.body.orderId;
  target.orderCode = order.body.code;
}, 240_000);
afterAll(async () => {
  await s?.stop();
});

// --- what the resources look like, as their owners see them ---------------------------------
const STOCK = new Set(['reserved', 'sold', 'available', 'holdsCount', 'holds', 'version', 'updatedAt']);
async function snapshot(): Promise<Json> {
  const get = async (path: string, token: string) => (await api('GET', path, { token })).body;
  const cls = await get(`/api/v1/ticket-classes/${target.classId}`, organizer.token);
  return {
    event: await get(`/api/v1/events/${target.eventId}`, organizer.token),
    ticketClass: Object.fromEntries(Object.entries(cls).filter(([k]) => !STOCK.has(k))),
    order: await get(`/api/v1/orders/${target.orderId}`, buyer.token),
    organizer: await get('/api/v1/me', organizer.token),
    buyer: await get('/api/v1/me', buyer.token),
  };
}

// --- hostile material --------------------------------------------------------------------------
const NASTY = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0007\u001b[31m',
  '\u007f',
  '\u0085',
  '\r\nX-Injected: 1',
  '__proto__',
  'constructor',
  'prototype',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '\uffff',
  '\ud800',
  '😀'.repeat(3),
  'null',
  'NaN',
  '-1',
  '1e309',
  '0x10',
  'x'.repeat(5_000),
  'ev_missing',
  'tc_missing',
  'ord_missing',
  '00000000-0000-0000-0000-000000000000',
];
const RAW_PATH = ['%', '%zz', '%E0%A4%A', '%00', '%2F..%2F', '%C0%AF', '..', '%FF%FE', '%u0000'];
const idsFor = (name: string): string[] => {
  if (/event/i.test(name)) return [target.eventId];
  if (/class/i.test(name)) return [target.classId];
  if (/order/i.test(name)) return [target.orderId, target.orderCode];
  if (/user/i.test(name)) return [organizer.id, buyer.id];
  if (/ref/i.test(name)) return [`sbx_${target.orderCode}`];
  return [target.eventId, target.orderId];
};
/** `encodeURIComponent`, or the raw bytes of a lone surrogate (which it refuses to encode). */
const enc = (v: string) => {
  try {
    return encodeURIComponent(v);
  } catch {
    return '%ED%A0%80';
  }
};
const nastyString = fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }));
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  fc.constantFrom(0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, true, false, null),
  fc.integer(),
  fc.array(fc.constantFrom('a', 1, null), { maxLength: 3 }),
  fc.constant({ __proto__: { admin: true } }),
  fc.constant({ $gt: '' }),
);

/** Fragments spliced into otherwise valid text: they must be refused where text is stored. */
const FRAGMENTS = ['\u0000', '\u0000', '\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\ud800', '\r\n', '%00', '😀', '\u202e'];
/** A valid string with a hostile fragment spliced in at some place. */
const spliced = (valid: fc.Arbitrary<unknown>) =>
  fc.tuple(valid, fc.constantFrom(...FRAGMENTS), fc.nat()).map(([v, f, at]) => {
    const text = String(v);
    const k = at % (text.length + 1);
    return `${text.slice(0, k)}${f}${text.slice(k)}`;
  });
/** A wrong or extreme value in place of a scalar. */
const wrongScalar = fc.constantFrom<unknown>(-1, 1.5, 2 ** 53 + 1, -(2 ** 63), 1e308, '1', '', null, true, [], {}, 'x'.repeat(10_000));

/**
 * A value that fits `schema` (roughly), using the real ids where a name says so: reaches the
 * handlers. With `hostile`, about a third of the leaves are spliced or wrong, so one request
 * carries a few hostile values inside an otherwise valid shape (the dangerous kind).
 */
function plausible(schema: Json | undefined, name = '', depth = 0, hostile = false): fc.Arbitrary<unknown> {
  const leaf = (valid: fc.Arbitrary<unknown>, text: boolean) =>
    hostile
      ? fc.oneof(
          { arbitrary: valid, weight: 2 },
          { arbitrary: text ? spliced(valid) : wrongScalar, weight: 2 },
          { arbitrary: nastyValue, weight: 1 },
        )
      : valid;
  if (!schema || depth > 4) return leaf(fc.constant('x'), true);
  if (schema['const'] !== undefined) return leaf(fc.constant(schema['const']), typeof schema['const'] === 'string');
  if (Array.isArray(schema['enum'])) return leaf(fc.constantFrom(...schema['enum']), true);
  const alts = (schema['anyOf'] ?? schema['oneOf'] ?? schema['allOf']) as Json[] | undefined;
  if (alts?.length) return fc.oneof(...alts.map((a) => plausible(a, name, depth + 1, hostile)));
  switch (schema['type']) {
    case 'object': {
      const props = (schema['properties'] ?? {}) as Record<string, Json>;
      const required = new Set((schema['required'] ?? []) as string[]);
      const entries = Object.entries(props).map(([k, v]) => [k, plausible(v, k, depth + 1, hostile)] as const);
      return fc.record(Object.fromEntries(entries), { requiredKeys: [...required].filter((k) => k in props) });
    }
    case 'array':
      return fc.array(plausible(schema['items'] as Json, name, depth + 1, hostile), {
        minLength: schema['minItems'] ?? 0,
        maxLength: Math.min(3, schema['maxItems'] ?? 3),
      });
    case 'integer':
      return leaf(fc.integer({ min: schema['minimum'] ?? 0, max: Math.min(schema['maximum'] ?? 1_000, 1_000_000) }), false);
    case 'number':
      return leaf(fc.double({ min: 0, max: 1_000, noNaN: true }), false);
    case 'boolean':
      return leaf(fc.boolean(), false);
    default: {
      const byName = /email/i.test(name)
        ? fc.constantFrom(organizer.email, attacker.email, 'fuzz@example.com')
        : /password/i.test(name)
          ? fc.constant('Blue-kettle-42-river')
          : /name/i.test(name)
            ? fc.constantFrom('Fuzz', 'Nguyễn Văn A')
            : fc.constantFrom(...idsFor(name));
      return leaf(
        fc.oneof(byName, fc.constantFrom('VND', 'admin', 'sandbox', 'completed'), fc.string({ minLength: 1, maxLength: 12 })),
        true,
      );
    }
  }
}

/** Replace one field of a plausible object by a hostile value, or add a prototype key. */
function corrupt(base: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(base, fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', '*'), nastyValue).map(([b, key, bad]) => {
    if (typeof b !== 'object' || b === null || Array.isArray(b)) return bad;
    const keys = Object.keys(b);
    const k = key === '*' && keys.length ? keys[keys.length - 1]! : key;
    return JSON.parse(
      JSON.stringify(b)
        .replace(/^\{/, `{${JSON.stringify(k)}:${JSON.stringify(bad) ?? 'null'},`)
        .replace(/,\}$/, '}'),
    );
  });
}

const RAW_BODIES = [
  '{"a":',
  '[',
  '['.repeat(5_000),
  '1e999999',
  '{"name":"\\u0000"}',
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{}}}',
  'null',
  '""',
  '{}{}',
];
function bodyFor(schema: Json | undefined): fc.Arbitrary<Buffer | undefined> {
  const json = (a: fc.Arbitrary<unknown>) => a.map((v) => Buffer.from(JSON.stringify(v) ?? 'null'));
  const arbs: fc.Arbitrary<Buffer | undefined>[] = [
    fc.constant(undefined),
    json(nastyValue),
    json(fc.jsonValue({ maxDepth: 3 })),
    fc.constantFrom(...RAW_BODIES).map((b) => Buffer.from(b)),
    fc.constantFrom(
      Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
      Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]),
      Buffer.from('{"a":"\ud800"}'),
    ),
  ];
  if (schema) {
    const hostile = json(plausible(schema, '', 0, true));
    arbs.push(json(plausible(schema)), json(corrupt(plausible(schema))), hostile, hostile, hostile, hostile);
  } else arbs.push(fc.constant(Buffer.from('{}')));
  return fc.oneof(...arbs);
}

const WRONG_KEY = new TextEncoder().encode('not-the-real-secret-not-the-real-secret-0123');
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
async function badTokens(): Promise<string[]> {
  const now = Math.floor(Date.now() / 1000);
  const forged = await new SignJWT({ roles: ['admin'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(organizer.id)
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(WRONG_KEY);
  return [
    'Bearer',
    'Bearer ',
    'Basic YWRtaW46YWRtaW4=',
    `Bearer ${forged}`,
    `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: organizer.id, roles: ['admin'] })}.`,
    `Bearer ${'a'.repeat(5_000)}`,
    'Bearer a.b.c',
    `Bearer ${attacker.token}x`,
    `bearer ${attacker.token.split('.').slice(0, 2).join('.')}.`,
    'Bearer \u0000',
  ];
}

// --- one request -------------------------------------------------------------------------------
function send(req: Sent): Promise<Answer | { error: string }> {
  const url = new URL(s.url);
  return new Promise((resolve) => {
    let r: ReturnType<typeof httpRequest>;
    try {
      // A connection per request (no keep-alive): an answer that closes its connection (413, framing)
      // must not turn the next request into a client-side "socket hang up".
      const headers = { ...req.headers, ...(req.body ? { 'content-length': String(req.body.byteLength) } : {}) };
      r = httpRequest(
        { host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent: false, timeout: 15_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              contentType: String(res.headers['content-type'] ?? ''),
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', (e) => resolve({ error: e.message }));
        },
      );
    } catch (e) {
      // The client library refused to send it (e.g. a header with CR/LF): not a server answer.
      return resolve({ error: `client refused: ${(e as Error).message}` });
    }
    r.on('error', (e) => resolve({ error: e.message }));
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.end(req.body);
  });
}

const REGISTERED = new Set(Object.keys(ErrorCodes));
// Provider surfaces speak their provider's format: webhooks, and the sandbox provider's refund
// desk (it answers like a provider's refund API, signed, without our error body).
const ownFormat = (path: string) =>
  /\/payments\/(zalopay|payos|sandbox|vnpay)\/(callback|webhook|ipn|return)$/.test(path) ||
  /\/payments\/sandbox\/refunds(\/query)?$/.test(path);

/** What is wrong with `answer` to `req`, or undefined. */
function violation(req: Sent, answer: Answer | { error: string }): string | undefined {
  if ('error' in answer) return answer.error.startsWith('client refused') ? undefined : `no answer: ${answer.error}`;
  if (answer.status >= 500) return `${answer.status} ${answer.text.slice(0, 200)}`;
  if (answer.status < 400 || ownFormat(req.path.split('?')[0]!) || answer.contentType.startsWith('text/html')) return undefined;
  try {
    const code = (JSON.parse(answer.text) as { error?: { code?: string } }).error?.code;
    if (!code || !REGISTERED.has(code)) return `${answer.status} with unregistered code ${String(code)}`;
  } catch {
    return `${answer.status} without a JSON error body: ${answer.text.slice(0, 100)}`;
  }
  return undefined;
}

// --- the walk -----------------------------------------------------------------------------------
describe('security - OpenAPI fuzzer', () => {
  it('security - every operation, hostile input, two identities: no 5xx, registered 4xx codes, targets unchanged', async () => {
    const doc = (await api('GET', '/api/v1/openapi.json')).body as Json;
    const ops: Op[] = [];
    for (const [path, item] of Object.entries(doc['paths'] as Record<string, Json>)) {
      for (const [method, op] of Object.entries(item)) ops.push({ method: method.toUpperCase(), path, op });
    }
    const tokens = await badTokens();
    let before = await snapshot();
    const startedAt = performance.now();
    const changes: string[] = [];
    let requests = 0;
    let fiveXx = 0;
    const problems: string[] = [];

    for (const [i, { method, path, op }] of ops.entries()) {
      const opStarted = performance.now();
      const params = (op['parameters'] ?? []) as Json[];
      const pathParams = params.filter((p) => p['in'] === 'path');
      const queryParams = params.filter((p) => p['in'] === 'query');
      const bodySchema = op['requestBody']?.['content']?.['application/json']?.['schema'] as Json | undefined;
      const segment = (name: string) =>
        fc.oneof(fc.constantFrom(...idsFor(name)).map(enc), nastyString.map(enc), fc.constantFrom(...RAW_PATH));
      const query = fc
        .array(
          fc.oneof(
            ...(queryParams.length ? queryParams : [{ name: 'q', schema: { type: 'string' } }]).map((p) =>
              fc
                .tuple(
                  fc.constant(p['name'] as string),
                  fc.oneof(nastyString, plausible(p['schema'] as Json, p['name'] as string, 0, true)),
                )
                .map(([k, v]) => `${k}=${enc(String(v))}`),
            ),
            fc.constantFrom(
              '__proto__[admin]=1',
              'constructor=1',
              'limit=-1',
              'limit=1e309',
              'q=%00',
              'cursor=%zz',
              'a=%E0%A4%A',
              '%%%=&&==',
            ),
          ),
          { maxLength: 3 },
        )
        .map((parts) => (parts.length ? `?${parts.join('&')}` : ''));
      const request = fc.record({
        segments: fc.tuple(...pathParams.map((p) => segment(p['name'] as string)), fc.constant('')),
        query,
        body: bodyFor(bodySchema),
        contentType: fc.oneof(
          { arbitrary: fc.constant('application/json'), weight: 8 },
          fc.constantFrom('text/plain', 'application/json; charset=utf-16', 'application/merge-patch+json', undefined),
        ),
        key: fc.oneof(fc.constant(undefined), fc.constantFrom('k-1', 'has space', 'x'.repeat(200), ''), fc.constant(['k-1', 'k-2'])),
        auth: fc.nat({ max: 1_000 }),
        dupContentType: fc.nat({ max: 9 }).map((n) => n === 0),
        requestId: fc.oneof(
          fc.constant(undefined),
          nastyString.filter((v) => /^[\x20-\x7e]*$/.test(v)),
        ),
      });
      for (const identity of ['anonymous', 'attacker'] as const) {
        await fc.assert(
          fc.asyncProperty(request, async (r) => {
            let url = path;
            pathParams.forEach((p, j) => {
              url = url.replace(`{${p['name'] as string}}`, r.segments[j] as string);
            });
            const headers: Record<string, string | string[]> = {};
            if (identity === 'attacker')
              headers['authorization'] =
                r.auth % 7 === 0 ? [`Bearer ${attacker.token}`, tokens[r.auth % tokens.length]!] : `Bearer ${attacker.token}`;
            else if (r.auth % 3 !== 0) headers['authorization'] = tokens[r.auth % tokens.length]!;
            if (r.key !== undefined) headers['idempotency-key'] = typeof r.key === 'string' ? r.key : [...r.key];
            if (r.body !== undefined && r.contentType)
              headers['content-type'] = r.dupContentType ? [r.contentType, 'text/plain'] : r.contentType;
            if (r.requestId !== undefined) headers['x-request-id'] = r.requestId;
            const req: Sent = { method, path: `${url}${r.query}`, headers, ...(r.body !== undefined ? { body: r.body } : {}) };
            const answer = await send(req);
            requests += 1;
            if (answer && !('error' in answer) && answer.status >= 500)
              console.log(`fuzz: 5xx ${method} ${req.path.slice(0, 100)} ${answer.text.slice(0, 100)}`);
            if (!('error' in answer) && answer.status >= 500) fiveXx += 1;
            const bad = violation(req, answer);
            if (bad)
              problems.push(
                `${identity} ${method} ${req.path.slice(0, 120)} body=${req.body?.toString('utf8').slice(0, 120) ?? '-'} → ${bad}`,
              );
            return true;
          }),
          { numRuns: RUNS, seed: SEED + i * 2 + (identity === 'attacker' ? 1 : 0), endOnFailure: true },
        );
      }
      if (process.env['TB_FUZZ_VERBOSE']) console.log(`fuzz: ${method} ${path} ${(performance.now() - opStarted).toFixed(0)} ms`);
      // Attribute any change of a target to this operation (asynchronous effects such as a
      // sandbox callback may land one operation later), then take the new state as the baseline.
      const now = await snapshot();
      for (const k of Object.keys(before)) {
        if (JSON.stringify(before[k]) !== JSON.stringify(now[k]))
          changes.push(
            `${method} ${path} changed ${k}: ${JSON.stringify(before[k]).slice(0, 300)} → ${JSON.stringify(now[k]).slice(0, 300)}`,
          );
      }
      before = now;
    }

    const took = ((performance.now() - startedAt) / 1000).toFixed(1);
    console.log(
      `fuzz: operations=${ops.length} requests=${requests} 5xx=${fiveXx} violations=${problems.length} targetChanges=${changes.length} seed=${SEED} runs=${RUNS} seconds=${took}`,
    );
    for (const p of problems.slice(0, 30)) console.log(`fuzz: ${p}`);
    for (const c of changes) console.log(`fuzz: ${c}`);
    expect(ops.length).toBeGreaterThan(40);
    expect(problems).toEqual([]);
    expect(fiveXx).toBe(0);
    expect(changes).toEqual([]);
  }, 600_000);
});
