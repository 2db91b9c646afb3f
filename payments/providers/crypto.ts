/**
 * @module payments/providers/crypto
 * The signing primitives every provider shares: HMAC in hex, a constant-time comparison of hex
 * signatures (length checked first, never `===`), and redaction so a full signature never reaches
 * a log or a stored request.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC of the UTF-8 bytes of `data` with the UTF-8 bytes of `key`, as lower-case hex. */
export function hmacHex(algorithm: 'sha256' | 'sha512', key: string, data: string): string {
  return createHmac(algorithm, Buffer.from(key, 'utf8')).update(Buffer.from(data, 'utf8')).digest('hex');
}

const HEX = /^[0-9a-fA-F]+$/;

/**
 * True when `received` is the same signature as `expected` (hex, case-insensitive: the same bytes).
 * Constant-time over the bytes; a non-string, non-hex or wrong-length value is false, never a throw.
 */
export function signatureMatches(expected: string, received: unknown): boolean {
  if (typeof received !== 'string' || received.length !== expected.length || !HEX.test(received)) return false;
  const a = Buffer.from(expected, 'hex');
  const b = Buffer.from(received, 'hex');
  // Both decode to the same length here, but timingSafeEqual throws on a mismatch: keep the check.
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}

/** A signature shortened for logs and stored requests: its first 8 characters and its length. */
export function redactSignature(signature: string): string {
  return `${signature.slice(0, 8)}…(${signature.length})`;
}

/** The body as text (UTF-8), whether the gateway handed over a string or bytes. */
export function bodyText(body: string | Uint8Array): string {
  return typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
}

/** Parse JSON, or `undefined` for anything that is not a JSON object. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A JSON answer with the content type set. */
export function jsonAnswer(status: number, body: unknown): { status: number; headers: Record<string, string>; body: string } {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}
