/**
 * @module mailer/templates
 * Every mail the platform sends, in English and Vietnamese: the email-verification link, the
 * order confirmation (with the links to the tickets), and the refund notices (pending, refunded).
 * Pure: data in, `{ subject, text, html }` out. Every value put into the HTML is escaped.
 */
import type { Locale, MailMessage } from './types.js';

/** What each template needs. Amounts are minor units of `currency`. */
export interface TemplateData {
  verifyEmail: { name: string; link: string; expiresAt: string };
  orderConfirmation: {
    name: string;
    orderCode: string;
    eventId: string;
    totalMinor: number;
    currency: string;
    lines: Array<{ classId: string; quantity: number }>;
    ticketsLink: string;
  };
  refundPending: { name: string; orderCode: string; amountMinor: number; currency: string; reason: string };
  refunded: { name: string; orderCode: string; amountMinor: number; currency: string; reason: string };
}
export type TemplateName = keyof TemplateData;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** An amount as people read it: VND without decimals (`150.000 ₫` in Vietnamese, `VND 150,000` in English). */
export function formatAmount(amountMinor: number, currency: string, locale: Locale): string {
  if (currency === 'VND')
    return locale === 'vi' ? `${amountMinor.toLocaleString('vi-VN')} ₫` : `VND ${amountMinor.toLocaleString('en-US')}`;
  return `${currency} ${(amountMinor / 100).toFixed(2)}`;
}

const REASONS: Record<Locale, Record<string, string>> = {
  en: {
    organizer: 'the organizer refunded your order',
    eventCancelled: 'the event was cancelled',
    ticketsLost: 'your payment arrived after the tickets were gone',
    paidAfterCancel: 'your payment arrived after the order had expired',
    paidAfterFailure: 'your payment arrived after the order had failed',
    paidTwice: 'you paid twice',
  },
  vi: {
    organizer: 'ban tổ chức đã hoàn tiền đơn hàng của bạn',
    eventCancelled: 'sự kiện đã bị hủy',
    ticketsLost: 'khoản thanh toán đến sau khi vé đã hết',
    paidAfterCancel: 'khoản thanh toán đến sau khi đơn hàng đã hết hạn',
    paidAfterFailure: 'khoản thanh toán đến sau khi đơn hàng thất bại',
    paidTwice: 'bạn đã thanh toán hai lần',
  },
};
const reasonText = (locale: Locale, reason: string) => REASONS[locale][reason] ?? reason;

type Render<K extends TemplateName> = (
  d: TemplateData[K],
  locale: Locale,
) => { subject: string; paragraphs: string[]; link?: { href: string; label: string } };

const RENDER: { [K in TemplateName]: Render<K> } = {
  verifyEmail: (d, l) =>
    l === 'vi'
      ? {
          subject: 'Xác nhận địa chỉ email TicketBottle của bạn',
          paragraphs: [
            `Xin chào ${d.name},`,
            'Hãy xác nhận địa chỉ email của bạn bằng liên kết dưới đây.',
            `Liên kết chỉ dùng được một lần và hết hạn lúc ${d.expiresAt}. Nếu bạn không yêu cầu, hãy bỏ qua email này.`,
          ],
          link: { href: d.link, label: 'Xác nhận email' },
        }
      : {
          subject: 'Confirm your email address for TicketBottle',
          paragraphs: [
            `Hello ${d.name},`,
            'Confirm your email address by opening this link:',
            `The link works once and expires at ${d.expiresAt}. If you did not ask for it, ignore this mail.`,
          ],
          link: { href: d.link, label: 'Confirm my email' },
        },
  orderConfirmation: (d, l) => {
    const lines = d.lines.map((x) => `${x.quantity} × ${x.classId}`).join(', ');
    return l === 'vi'
      ? {
          subject: `Đơn hàng ${d.orderCode} đã được xác nhận`,
          paragraphs: [
            `Xin chào ${d.name},`,
            `Cảm ơn bạn! Đơn hàng ${d.orderCode} (sự kiện ${d.eventId}) đã thanh toán: ${lines}, tổng cộng ${formatAmount(d.totalMinor, d.currency, l)}.`,
            'Vé của bạn ở liên kết dưới đây; hãy xuất trình mã QR tại cổng.',
          ],
          link: { href: d.ticketsLink, label: 'Xem vé của tôi' },
        }
      : {
          subject: `Your order ${d.orderCode} is confirmed`,
          paragraphs: [
            `Hello ${d.name},`,
            `Thank you! Order ${d.orderCode} (event ${d.eventId}) is paid: ${lines}, ${formatAmount(d.totalMinor, d.currency, l)} in total.`,
            'Your tickets are at the link below; show their QR code at the gate.',
          ],
          link: { href: d.ticketsLink, label: 'My tickets' },
        };
  },
  refundPending: (d, l) =>
    l === 'vi'
      ? {
          subject: `Đơn hàng ${d.orderCode}: đang hoàn tiền`,
          paragraphs: [
            `Xin chào ${d.name},`,
            `Chúng tôi đang hoàn lại ${formatAmount(d.amountMinor, d.currency, l)} cho đơn hàng ${d.orderCode} vì ${reasonText(l, d.reason)}.`,
            'Vé của đơn hàng này không còn hiệu lực. Bạn sẽ nhận thêm một email khi tiền đã được hoàn.',
          ],
        }
      : {
          subject: `Order ${d.orderCode}: refund under way`,
          paragraphs: [
            `Hello ${d.name},`,
            `We are refunding ${formatAmount(d.amountMinor, d.currency, l)} for order ${d.orderCode} because ${reasonText(l, d.reason)}.`,
            'The tickets of this order are no longer valid. You will get another mail when the money is back.',
          ],
        },
  refunded: (d, l) =>
    l === 'vi'
      ? {
          subject: `Đơn hàng ${d.orderCode}: đã hoàn tiền`,
          paragraphs: [
            `Xin chào ${d.name},`,
            `${formatAmount(d.amountMinor, d.currency, l)} đã được hoàn cho đơn hàng ${d.orderCode} (${reasonText(l, d.reason)}).`,
            'Thời gian tiền về tài khoản tùy theo ngân hàng hoặc ví của bạn.',
          ],
        }
      : {
          subject: `Order ${d.orderCode}: refunded`,
          paragraphs: [
            `Hello ${d.name},`,
            `${formatAmount(d.amountMinor, d.currency, l)} was refunded for order ${d.orderCode} (${reasonText(l, d.reason)}).`,
            'How soon it shows depends on your bank or wallet.',
          ],
        },
};

/** Render template `name` in `locale` for `to`. */
export function renderMail<K extends TemplateName>(name: K, locale: Locale, to: string, data: TemplateData[K]): MailMessage {
  const r = (RENDER[name] as Render<K>)(data, locale);
  const text = `${[...r.paragraphs, ...(r.link ? [r.link.href] : [])].join('\n\n')}\n`;
  const html =
    `<!doctype html><html lang="${locale}"><body>${r.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('')}` +
    `${r.link ? `<p><a href="${escapeHtml(r.link.href)}">${escapeHtml(r.link.label)}</a></p>` : ''}</body></html>`;
  return { to, subject: r.subject, text, html };
}
