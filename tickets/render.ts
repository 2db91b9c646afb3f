/**
 * @module tickets/render
 * A ticket's code as pictures and paper: QR as SVG and PNG (`qrcode`), and a one-page PDF
 * ticket (`pdfkit`) with the QR, the event, the class, the seat and the holder. Pure rendering:
 * the code to draw is decided by the service (rotating events: the live code).
 */
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { EventCodeSettings } from './settings.js';
import type { TicketView } from './types.js';

const QR_OPTS = { errorCorrectionLevel: 'M' as const, margin: 2 };

/** The QR code of `code` as an SVG document. */
export function qrSvg(code: string): Promise<string> {
  return QRCode.toString(code, { ...QR_OPTS, type: 'svg', width: 320 });
}

/** The QR code of `code` as a PNG image. */
export function qrPng(code: string, width = 320): Promise<Buffer> {
  return QRCode.toBuffer(code, { ...QR_OPTS, type: 'png', width });
}

const money = (minor: number, currency: string) => `${minor.toLocaleString('en-US')} ${currency}`;

/** A one-page A6 PDF ticket. */
/**
 * A Unicode font for names like "Nguyễn Văn An": PDF's built-in Helvetica has no Vietnamese
 * letters. Debian's fonts-dejavu-core (installed by the Dockerfile) is used when present.
 */
const UNICODE_FONTS = ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'] as const;
const fontsOf = (): { regular: string; bold: string } =>
  UNICODE_FONTS.every((f) => existsSync(f))
    ? { regular: UNICODE_FONTS[0], bold: UNICODE_FONTS[1] }
    : { regular: 'Helvetica', bold: 'Helvetica-Bold' };

export async function ticketPdf(t: TicketView, code: string, ev: EventCodeSettings, holder: string): Promise<Buffer> {
  const png = await qrPng(code, 480);
  const doc = new PDFDocument({ size: 'A6', margin: 24, info: { Title: `Ticket ${t.ticketId}`, Author: 'TicketBottle' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const w = doc.page.width - 48;
  const font = fontsOf();
  doc.rect(0, 0, doc.page.width, 54).fill('#1f3a5f');
  doc.fillColor('#ffffff').font(font.bold).fontSize(15).text('TicketBottle', 24, 14);
  doc.font(font.regular).fontSize(8).text('Admission ticket', 24, 34);
  doc.fillColor('#111111').font(font.bold).fontSize(13).text(ev.name, 24, 66, { width: w });
  doc.font(font.regular).fontSize(8.5).fillColor('#333333');
  doc.text(new Date(ev.startsAt).toUTCString(), { width: w });
  if (ev.location) doc.text(ev.location, { width: w });
  doc.moveDown(0.4);
  doc.text(`Class ${t.classId} · seat ${t.seatNo} · ${money(t.priceMinor, t.currency)}`, { width: w });
  doc.text(`Holder: ${holder}`, { width: w });
  const size = 160;
  const y = doc.y + 8;
  doc.image(png, (doc.page.width - size) / 2, y, { width: size, height: size });
  doc.y = y + size + 6;
  doc.fontSize(7).fillColor('#555555').text(`Ticket ${t.ticketId}`, 24, doc.y, { width: w, align: 'center' });
  doc.text(
    ev.rotating
      ? 'This event uses live codes: show the code in the app at the door; a printed or photographed code is refused.'
      : 'One entry. The code is signed: it is checked in once, at the first door that scans it.',
    { width: w, align: 'center' },
  );
  doc.end();
  return done;
}
