/**
 * @module mailer/locale.test
 * Language choice and templates: Accept-Language weights, fallbacks, both languages rendered,
 * and HTML escaping of user-controlled values.
 */
import { describe, expect, it } from 'vitest';
import { localeFromAcceptLanguage, supportedLocale } from './locale.js';
import { renderMail } from './templates.js';

describe('mailer', () => {
  it('mailer - Accept-Language picks the best supported language', () => {
    expect(localeFromAcceptLanguage('vi-VN,vi;q=0.9,en;q=0.8')).toBe('vi');
    expect(localeFromAcceptLanguage('fr-FR, en;q=0.5, vi;q=0.7')).toBe('vi');
    expect(localeFromAcceptLanguage('de, fr')).toBe('en');
    expect(localeFromAcceptLanguage(undefined)).toBe('en');
    expect(localeFromAcceptLanguage('vi;q=0, en')).toBe('en');
    expect(supportedLocale('VI_vn')).toBe('vi');
  });

  it('mailer - templates exist in English and Vietnamese and escape what the user chose', () => {
    const data = { name: '<b>Lan</b>', link: 'https://t.example/v?token=a&b', expiresAt: '2026-12-04T00:00:00.000Z' };
    const en = renderMail('verifyEmail', 'en', 'lan@example.com', data);
    const vi = renderMail('verifyEmail', 'vi', 'lan@example.com', data);
    expect(en.subject).toBe('Confirm your email address for TicketBottle');
    expect(vi.subject).toBe('Xác nhận địa chỉ email TicketBottle của bạn');
    expect(vi.text).toContain(data.link);
    expect(en.html).toContain('&lt;b&gt;Lan&lt;/b&gt;');
    expect(en.html).not.toContain('<b>Lan</b>');
    const refund = renderMail('refunded', 'vi', 'lan@example.com', {
      name: 'Lan',
      orderCode: '123',
      amountMinor: 150_000,
      currency: 'VND',
      reason: 'eventCancelled',
    });
    expect(refund.text).toContain('150.000 ₫');
    expect(refund.text).toContain('sự kiện đã bị hủy');
  });
});
