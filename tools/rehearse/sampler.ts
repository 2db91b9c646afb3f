/**
 * @module tools/rehearse/sampler
 * The once-a-second look at the sale for the live line and the charts, read from the actors over
 * NATS (as an operator's `nats req` would) when the harness knows the NATS URL: the gateway is
 * the thing under load, and a sample it sheds or answers late would draw a sold count that drops
 * to zero. Answers in the REST routes' shapes, so the crowd treats both sources alike.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createActorClient } from '../../contracts/index.js';
import { loadConfig } from '../../config/index.js';
import type { ApiResult } from './http.js';

/** A sampler bound to one sale; `close()` drops its connection. */
export async function natsSampler(natsUrl: string, eventId: string, classIds: string[]): Promise<{ sample: () => Promise<[ApiResult, ApiResult]>; close: () => Promise<void> }> {
  const nc: NatsConnection = await connect({ servers: natsUrl.split(','), name: 'tb-rehearse-sampler', maxReconnectAttempts: -1 });
  const client = createActorClient(nc, { partitions: loadConfig(process.env).partitions });
  let n = 0;
  const ask = <T>(kind: string, id: string, verb: string): Promise<ApiResult<T>> =>
    client.request<T>(kind, id, verb, { commandId: `read-sampler-${process.pid}-${++n}` }).then((body) => ({ status: 200, body }), () => ({ status: 503, body: undefined as T }));
  return {
    async sample() {
      const [queue, ...classes] = await Promise.all([ask('queue', eventId, 'status'), ...classIds.map((id) => ask('ticketclass', id, 'get'))]);
      const ok = classes.every((c) => c.status === 200);
      return [queue!, { status: ok ? 200 : 503, body: { items: classes.map((c) => c.body) } }];
    },
    close: () => nc.close(),
  };
}
