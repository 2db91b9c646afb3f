/**
 * The domain events a node publishes carry `content-type` and `tb-event-type`: msgpack by default,
 * JSON when the node runs with the tuning constant `eventsFormat: 'json'` (what `nats sub tb.evt.>` shows readably),
 * and the same contract decoder reads both, the data matching its kind's schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { startNatsServer, type NatsServerHandle } from '../harness/nats.js';
import { clientFor } from '../runtime/helpers.js';
import { startKindsNode } from './helpers.js';
import { EVENTS_STREAM, eventSubject } from '../../contracts/index.js';
import { TicketClassEventSchemas, decodeEvent } from '../../contracts/events/index.js';
import { createActors, type ActorClient } from '../../actors/client/index.js';

const base = { eventId: 'ev1', name: 'Standing', priceMinor: 150_000, currency: 'VND', total: 10 };

async function stored(nc: NatsConnection, classId: string) {
  const m = await (await jetstreamManager(nc)).streams.getMessage(EVENTS_STREAM, {
    last_by_subj: eventSubject('ticketclass', classId, 'ticketclass.created'),
  });
  if (!m) throw new Error('no ticketclass.created stored');
  return m;
}

describe('actors - event format', () => {
  let server: NatsServerHandle;
  let nc: NatsConnection;
  let client: ActorClient;
  beforeAll(async () => {
    server = await startNatsServer();
    ({ nc, client } = await clientFor(server.url));
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  for (const format of ['msgpack', 'json'] as const) {
    it(`events are ${format} with their content-type and type headers`, async () => {
      const node = await startKindsNode(server.url, { eventsFormat: format });
      try {
        const classId = `tc-${format}`;
        await createActors(client).ticketclass(classId).create(base, ['create', classId]);
        const m = await stored(nc, classId);
        expect(m.header.get('content-type')).toBe(`application/${format}`);
        expect(m.header.get('tb-event-type')).toBe('ticketclass.created');
        if (format === 'json')
          expect(JSON.parse(new TextDecoder().decode(m.data))).toMatchObject({
            type: 'ticketclass.created',
            kind: 'ticketclass',
            id: classId,
          });
        const d = decodeEvent(m.data, m.header, TicketClassEventSchemas);
        expect(d).toMatchObject({
          ok: true,
          event: { type: 'ticketclass.created', data: { classId, eventId: 'ev1', available: 10, name: 'Standing' } },
        });
      } finally {
        await node.stop();
      }
    });
  }
});
