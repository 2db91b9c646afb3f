/**
 * English and Vietnamese. Every string a page shows is a key of `en` (messages/en.ts); `vi` must
 * have the same keys (the type says so). `{name}` placeholders are filled by `t`.
 */
import { useEffect, useState } from 'preact/hooks';
import { en, type MessageKey } from './en.js';
import { vi } from './vi.js';

export type Lang = 'en' | 'vi';
const TABLES: Record<Lang, Record<MessageKey, string>> = { en, vi };
const KEY = 'tb.lang';

let lang: Lang = ((): Lang => {
  const saved = localStorage.getItem(KEY);
  if (saved === 'en' || saved === 'vi') return saved;
  return navigator.language.toLowerCase().startsWith('vi') ? 'vi' : 'en';
})();
const listeners = new Set<() => void>();
document.documentElement.lang = lang;

export const getLang = (): Lang => lang;
export const locale = (): string => (lang === 'vi' ? 'vi-VN' : 'en-GB');

export function setLang(l: Lang): void {
  lang = l;
  localStorage.setItem(KEY, l);
  document.documentElement.lang = l;
  for (const f of listeners) f();
}

/** Translate `key`, filling `{name}` placeholders. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return TABLES[lang][key].replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? `{${k}}`));
}

/** Re-render on language change. */
export function useLang(): Lang {
  const [l, setL] = useState(lang);
  useEffect(() => {
    const f = () => setL(lang);
    listeners.add(f);
    return () => {
      listeners.delete(f);
    };
  }, []);
  return l;
}

/** A duration in seconds, as people say it ("2 min 5 s"). */
export function duration(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  if (s < 60) return t('time.seconds', { s });
  const m = Math.floor(s / 60);
  if (m < 60) return t('time.minutes', { m, s: s % 60 });
  return t('time.hours', { h: Math.floor(m / 60), m: m % 60 });
}

/** A date and time in the page's language. */
export const dateTime = (ms: number): string => new Date(ms).toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' });

export type { MessageKey };
