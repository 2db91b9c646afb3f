/**
 * @module tools/rehearse/setup
 * Sets a sale up the way an organizer would, through REST only: register and sign in, create the
 * event, configure it (waitroom, `maxConcurrent`, sale opening `leadSec` from now), add ticket
 * classes, approve, publish. The one step REST cannot do is making the organizer a platform
 * admin (approval needs one): that uses the accounts service's `grantPlatformRole` on the
 * database, the documented operator path, then signs in again so the token carries the role.
 * Buyers are minted straight into the database (as `bench:queue` does) because registering
 * thousands of accounts would spend minutes in Argon2 and measure the password hash, not the sale.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { createAccounts, MemoryMailer } from '../../accounts/index.js';
import { createDb } from '../../db/index.js';
import { mintUsers, type MintedUser } from '../../test/gateway/ws/users.js';
import { expectStatus, type Api } from './http.js';

/** The sale as set up. */
export interface Sale {
  eventId: string;
  classIds: string[];
  classTotals: number[];
  opensAt: number;
  organizer: { id: string; token: string };
}

const PASSWORD = 'Rehearse-kettle-42-river';

/** Register and sign in the organizer, make them platform admin, and sign in again. */
async function organizer(api: Api, databaseUrl: string, jwtSecret: string): Promise<{ id: string; token: string }> {
  const email = `organizer.${randomUUID().slice(0, 8)}@rehearse.example.com`;
  const reg = expectStatus(
    await api('POST', '/api/v1/auth/register', { body: { email, password: PASSWORD, displayName: 'Rehearsal organizer' } }),
    'register organizer',
    201,
  );
  const db = createDb(databaseUrl, { max: 1 });
  try {
    const accounts = createAccounts({
      db: db.db,
      config: { jwtSecret, publicBaseUrl: 'http://127.0.0.1' },
      mailer: new MemoryMailer(),
      log: pino({ level: 'silent' }),
    });
    await accounts.grantPlatformRole(reg.id as string, 'admin');
  } finally {
    await db.close();
  }
  const login = expectStatus(await api('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } }), 'login organizer', 200);
  return { id: reg.id as string, token: login.accessToken as string };
}

/** Split `tickets` over `classes` as evenly as possible (the first classes get the remainder). */
export function splitTickets(tickets: number, classes: number): number[] {
  return Array.from({ length: classes }, (_, i) => Math.floor(tickets / classes) + (i < tickets % classes ? 1 : 0));
}

/** Create, configure, approve and publish the event; the sale opens `leadSec` after publishing. */
export async function setUpSale(
  api: Api,
  o: { databaseUrl: string; jwtSecret: string; tickets: number; classes: number; maxConcurrent: number; leadSec: number },
): Promise<Sale> {
  const org = await organizer(api, o.databaseUrl, o.jwtSecret);
  const auth = { token: org.token };
  const run = randomUUID().slice(0, 8);
  const startsAt = Date.now() + 30 * 86_400_000;
  const ev = expectStatus(
    await api('POST', '/api/v1/events', {
      ...auth,
      key: `rh-${run}-event`,
      body: { name: `Rehearsal ${run}`, startsAt, endsAt: startsAt + 3 * 3_600_000, categories: ['music'], location: 'Loopback Arena' },
    }),
    'create event',
    201,
  );
  const eventId = ev.eventId as string;
  const classTotals = splitTickets(o.tickets, o.classes);
  const classIds: string[] = [];
  for (const [i, total] of classTotals.entries()) {
    const tc = expectStatus(
      await api('POST', `/api/v1/events/${eventId}/ticket-classes`, {
        ...auth,
        key: `rh-${run}-class-${i}`,
        body: { name: `Zone ${String.fromCharCode(65 + i)}`, priceMinor: 150_000 + 50_000 * i, currency: 'VND', total, maxPerOrder: 4 },
      }),
      `create class ${i}`,
      201,
    );
    classIds.push(tc.classId as string);
  }
  // Opening time is fixed only now, after the slow steps, so the pre-queue really gets leadSec.
  const opensAt = Date.now() + o.leadSec * 1000;
  expectStatus(
    await api('PUT', `/api/v1/events/${eventId}/config`, {
      ...auth,
      key: `rh-${run}-config`,
      body: {
        isPublic: true,
        requiresApproval: true,
        isFree: false,
        allowWaitRoom: true,
        maxConcurrent: o.maxConcurrent,
        ticketSaleStartDate: opensAt,
        ticketSaleEndDate: startsAt,
      },
    }),
    'configure',
    200,
  );
  expectStatus(await api('POST', `/api/v1/events/${eventId}/approve`, { ...auth, key: `rh-${run}-approve`, body: {} }), 'approve', 200);
  expectStatus(await api('POST', `/api/v1/events/${eventId}/publish`, { ...auth, key: `rh-${run}-publish`, body: {} }), 'publish', 200);
  return { eventId, classIds, classTotals, opensAt, organizer: org };
}

/** `n` buyers with access tokens valid for `ttlSec`, inserted into the gateway's database. */
export async function mintBuyers(databaseUrl: string, jwtSecret: string, n: number, ttlSec: number): Promise<MintedUser[]> {
  const db = createDb(databaseUrl, { max: 2 });
  try {
    return await mintUsers(db, jwtSecret, n, ttlSec);
  } finally {
    await db.close();
  }
}
