/**
 * @module test/mailer/smtp.test
 * The mailer's SMTP transport against a real SMTP server started here (the `smtp-server`
 * package, standing in for the outside world): the verification link of a user who signed up
 * with `Accept-Language: vi` arrives by SMTP, in Vietnamese, with a link that verifies the
 * account; a server that refuses the recipient surfaces as MAIL_SEND_FAILED (retryable), never a
 * silent loss.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import { createAccounts } from '../../accounts/index.js';
import { TbError } from '../../contracts/index.js';
import { createDb, migrate, type DbHandle } from '../../db/index.js';
import { createMailer, localeFromAcceptLanguage } from '../../mailer/index.js';
import { dropDatabase, testDatabaseUrl, throwawayName } from '../db/throwaway-db.js';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

describe('mailer - SMTP transport', () => {
  let server: SMTPServer;
  let port: number;
  const received: Received[] = [];
  let db: DbHandle;
  let dbName: string;

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _session, cb) {
        if (address.address.endsWith('@refused.example')) cb(new Error('550 no such mailbox'));
        else cb();
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.server.address() as AddressInfo).port;
    dbName = throwawayName();
    await migrate(testDatabaseUrl(dbName));
    db = createDb(testDatabaseUrl(dbName), { max: 2 });
  }, 60_000);
  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await db?.close();
    await dropDatabase(dbName).catch(() => undefined);
  });

  it('mailer - a Vietnamese sign-up gets its verification link by SMTP, in Vietnamese, and the link verifies', async () => {
    const log = pino({ level: 'silent' });
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, mailFrom: 'TicketBottle <no-reply@tb.test>' }, log);
    expect(mailer.kind).toBe('smtp');
    const accounts = createAccounts({
      db: db.db,
      config: { jwtSecret: 'smtp-test-secret-smtp-test-secret-012345', publicBaseUrl: 'https://tb.test' },
      mailer,
      log,
    });
    const user = await accounts.register({
      email: 'lan@example.com',
      password: 'Blue-kettle-42-river',
      displayName: 'Lan',
      locale: localeFromAcceptLanguage('vi-VN,vi;q=0.9,en;q=0.5'),
    });
    await accounts.requestEmailVerification(user.id);
    expect(received).toHaveLength(1);
    const mail = received[0]!;
    expect(mail.from).toBe('no-reply@tb.test');
    expect(mail.to).toEqual(['lan@example.com']);
    // The subject is Vietnamese (RFC 2047 encoded words for non-ASCII).
    expect(mail.raw).toMatch(/^Subject: =\?UTF-8\?/m);
    const decoded = mail.raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    const link = /https:\/\/tb\.test\/api\/v1\/auth\/verify-email\?token=[A-Za-z0-9._%-]+/.exec(decoded)?.[0];
    expect(link).toBeDefined();
    const token = decodeURIComponent(new URL(link!).searchParams.get('token')!);
    const verified = await accounts.verifyEmail(token);
    expect(verified.emailVerified).toBe(true);
    mailer.close?.();
  });

  it('mailer - a refused recipient is MAIL_SEND_FAILED (retryable), not a silent loss', async () => {
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, mailFrom: 'no-reply@tb.test' }, pino({ level: 'silent' }));
    const err = await mailer.send({ to: 'nobody@refused.example', subject: 'x', text: 'x' }).catch((e: unknown) => e);
    expect(TbError.is(err, 'MAIL_SEND_FAILED')).toBe(true);
    expect((err as TbError).retryable).toBe(true);
    mailer.close?.();
  });
});
