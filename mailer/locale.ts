/**
 * @module mailer/locale
 * Which language a mail is written in: the user's stored `locale`, chosen at sign-up from an
 * explicit `locale` or the `Accept-Language` header (RFC 9110 §12.5.4: language ranges with
 * `q` weights). Unknown languages fall back to English.
 */
import { LOCALES, type Locale } from './types.js';

/** The supported locale `tag` names (`vi-VN` → `vi`), or undefined. */
export function supportedLocale(tag: string | undefined | null): Locale | undefined {
  const base = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return (LOCALES as readonly string[]).includes(base) ? (base as Locale) : undefined;
}

/** The best supported language of an `Accept-Language` header (highest `q`, first on ties), else `en`. */
export function localeFromAcceptLanguage(header: string | undefined | null): Locale {
  if (!header) return 'en';
  const ranked = header
    .slice(0, 500)
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { locale: supportedLocale(tag), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((r) => r.locale && r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return ranked[0]?.locale ?? 'en';
}
