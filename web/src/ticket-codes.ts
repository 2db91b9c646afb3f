/**
 * Ticket codes in the browser, the same way the server makes and checks them (tickets/codes.ts):
 * a code is `TB1.<ticketId>.<eventId>.<classId>.<sig>` (`sig` = Ed25519 over the part before it,
 * base64url), and events with rotating codes append `.<step>.<otp>` with
 * step = floor(now / period) and otp = base64url(HMAC-SHA256(ticketSecret, String(step)))[0..11].
 * The ticket secret is HMAC(eventKey, `tb-rot-ticket|<ticketId>`): the buyer's phone gets it
 * once, a gate derives it from the event key in its signed offline list. All of it with WebCrypto
 * (Ed25519 and HMAC are built into the browser: no library, nothing from the network); strings
 * used as HMAC keys are their UTF-8 bytes, as Node's `createHmac(string)` takes them.
 */

const enc = new TextEncoder();

/** A WebCrypto key (named from `importKey`, so this file also type-checks under Node's types for its test). */
export type Key = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** Bytes → base64url without padding. */
export function b64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** base64url (padding optional) → bytes. */
export function fromB64url(s: string): Uint8Array<ArrayBuffer> {
  const b = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4));
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = b.charCodeAt(i);
  return out;
}

const hmacKeys = new Map<string, Promise<Key>>();
/** base64url(HMAC-SHA256(key, msg)), key and msg as UTF-8. */
export async function hmacB64url(key: string, msg: string): Promise<string> {
  let k = hmacKeys.get(key);
  if (!k) {
    k = crypto.subtle.importKey('raw', enc.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    hmacKeys.set(key, k);
  }
  return b64url(new Uint8Array(await crypto.subtle.sign('HMAC', await k, enc.encode(msg))));
}

/** The time step of `nowMs` with `periodS`-second periods. */
export const stepOf = (nowMs: number, periodS: number): number => Math.floor(nowMs / (periodS * 1000));

/** The one-time part of `step` (11 base64url characters). */
export const otpOf = async (ticketSecret: string, step: number): Promise<string> =>
  (await hmacB64url(ticketSecret, String(step))).slice(0, 11);

/** The rotating code a phone shows at step `step`. */
export async function rotatingCodeAt(staticCode: string, ticketSecret: string, step: number): Promise<string> {
  return `${staticCode}.${step}.${await otpOf(ticketSecret, step)}`;
}

/** A ticket's secret from its event's rotation key (what a gate does with its offline list). */
export const ticketSecretOf = (eventKey: string, ticketId: string): Promise<string> => hmacB64url(eventKey, `tb-rot-ticket|${ticketId}`);

/** A parsed code (signature not yet checked). */
export interface ParsedCode {
  signed: string;
  ticketId: string;
  eventId: string;
  classId: string;
  sig: string;
  rotating?: { step: number; otp: string };
}

const ID = /^[A-Za-z0-9_-]{1,80}$/;
/** Split a code as the server does; undefined when malformed. */
export function parseCode(code: string): ParsedCode | undefined {
  if (code.length > 400) return undefined;
  const p = code.split('.');
  if ((p.length !== 5 && p.length !== 7) || p[0] !== 'TB1') return undefined;
  const [, ticketId, eventId, classId, sig] = p as [string, string, string, string, string];
  if (!ID.test(ticketId) || !ID.test(eventId) || !ID.test(classId) || !/^[A-Za-z0-9_-]{86}$/.test(sig)) return undefined;
  const out: ParsedCode = { signed: `TB1.${ticketId}.${eventId}.${classId}`, ticketId, eventId, classId, sig };
  if (p.length === 7) {
    if (!/^\d{1,15}$/.test(p[5]!) || !/^[A-Za-z0-9_-]{11}$/.test(p[6]!)) return undefined;
    out.rotating = { step: Number(p[5]), otp: p[6]! };
  }
  return out;
}

/** The platform's public key (`GET /api/v1/tickets/public-key`) as a WebCrypto key. */
export function importPublicKey(jwk: { kty: string; crv: string; x: string }): Promise<Key> {
  return crypto.subtle.importKey('jwk', { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, { name: 'Ed25519' }, false, ['verify']);
}

/** Whether `sigB64url` is the platform's Ed25519 signature of `data`. Never throws. */
export async function verifyEd25519(key: Key, sigB64url: string, data: string): Promise<boolean> {
  try {
    return await crypto.subtle.verify({ name: 'Ed25519' }, key, fromB64url(sigB64url), enc.encode(data));
  } catch {
    return false;
  }
}

/** Whether a code's signature is genuine. */
export const verifyCodeSignature = (key: Key, c: ParsedCode): Promise<boolean> => verifyEd25519(key, c.sig, c.signed);

/** A rotating part is live at `nowMs` when its step is at most `windowSteps` old (or one ahead) and its otp matches. */
export async function isLiveOtp(
  rot: { step: number; otp: string },
  ticketSecret: string,
  nowMs: number,
  periodS: number,
  windowSteps: number,
): Promise<boolean> {
  const now = stepOf(nowMs, periodS);
  if (rot.step < now - windowSteps || rot.step > now + 1) return false;
  return (await otpOf(ticketSecret, rot.step)) === rot.otp;
}

/** The signed offline list of a gate (`GET /api/v1/events/:id/checkin-lists/offline`). */
export interface OfflineList {
  eventId: string;
  listId: string | null;
  generatedAt: number;
  keyId: string;
  rotating: { eventKey: string; periodSeconds: number; windowSteps: number } | null;
  tickets: Array<{ ticketId: string; classId: string; status: string }>;
  signature: string;
}

/** The list's signature covers the JSON of every other field, in the order the server wrote them. */
export function verifyOfflineList(key: Key, list: OfflineList): Promise<boolean> {
  const { signature, ...body } = list;
  return verifyEd25519(key, signature, JSON.stringify(body));
}
