/**
 * @module tools/rehearse/sampler
 * The once-a-second look at the sale for the live line and the charts: the queue's counters and
 * the ticket classes' stock. Read from the actors over NATS (as an operator's `nats req` would)
 * when the harness knows the NATS URL, because the gateway is the thing under load and a sample
 * it sheds would draw a sold count that drops to zero; otherwise through the public and staff
 * REST routes. Both answer in the REST routes' shapes.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createActorClient, createActors } from '../../actors/client/index.js';
import { loadConfig, splitNatsUrl } from '../../config/index.js';
import type { Api, ApiResult } from './http.js';
import type { Sale } from './setup.js';

/** A sampler bound to one sale: `sample()` answers [queue counters, ticket classes]. */
export interface Sampler {
  sample: () => Promise<[ApiResult, ApiResult]>;
  close: () => Promise<void>;
}

/** Sample through the REST routes (`--gateway` without `--nats`). */
export function restSampler(api: Api, sale: Sale): Sampler {
  return {
    sample: () =>
      Promise.all([
        api('GET', `/api/v1/events/${sale.eventId}/queue`, { attempts: 1, timeoutMs: 10_000 }),
        api('GET', `/api/v1/events/${sale.eventId}/ticket-classes`, { token: sale.organizer.token, attempts: 1, timeoutMs: 10_000 }),
      ]),
    close: async () => undefined,
  };
}

/** Sample from the actors over NATS; `close()` drops the connection. */
export async function natsSampler(natsUrl: string, eventId: string, classIds: string[]): Promise<Sampler> {
  const nc: NatsConnection = await connect({
    ...splitNatsUrl(natsUrl),
    name: 'tb-rehearse-sampler',
    maxReconnectAttempts: -1,
    noAsyncTraces: true,
  });
  const actors = createActors(createActorClient(nc, { partitions: loadConfig(process.env).partitions }));
  const result = <T>(read: Promise<T>): Promise<ApiResult<T>> =>
    read.then(
      (body) => ({ status: 200, body }),
      () => ({ status: 503, body: undefined as T }),
    );
  return {
    async sample() {
      const [queue, ...classes] = await Promise.all([
        result<unknown>(actors.queue(eventId).status()),
        ...classIds.map((id) => result<unknown>(actors.ticketclass(id).get())),
      ]);
      const ok = classes.every((c) => c.status === 200);
      return [queue!, { status: ok ? 200 : 503, body: { items: classes.map((c) => c.body) } }];
    },
    close: () => nc.close(),
  };
}
