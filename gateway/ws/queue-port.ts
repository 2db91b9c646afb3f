/**
 * @module gateway/ws/queue-port
 * Adapts the queue service (`queue/index.ts`, `createQueueService`) to the slice the stream
 * uses. `claim` resolves only with a checkout token: a claim the service answers with any
 * other state (not admitted) is a rejection, after which the stream resyncs the exact status.
 */
import { TbError } from '../../contracts/index.js';
import type { AdmissionGrant, QueuePort, QueueStatusView } from './types.js';

/** The queue service methods the stream calls (structural: any `QueueService` fits). */
export interface QueueServiceLike {
  join(eventId: string, userId: string): Promise<object>;
  status(eventId: string, userId: string): Promise<object>;
  claim(eventId: string, userId: string): Promise<object>;
  heartbeat?(eventId: string, userId: string): Promise<unknown>;
  statusMany(eventId: string, sessions: Array<{ sessionId: string; ticket: number }>): Promise<object[]>;
}

/** The status as the stream relays it (the service's answer, typed loosely on purpose). */
const view = (s: object): QueueStatusView => s as QueueStatusView;

/** The stream's port over a queue service. */
export function queuePortFrom(service: QueueServiceLike): QueuePort {
  return {
    statusMany: async (eventId, sessions) => (await service.statusMany(eventId, sessions)).map(view),
    join: async (eventId, userId) => view(await service.join(eventId, userId)),
    status: async (eventId, userId) => view(await service.status(eventId, userId)),
    async claim(eventId, userId): Promise<AdmissionGrant> {
      const s = view(await service.claim(eventId, userId));
      if (s.state !== 'admitted' || !s.token) throw new TbError('COMMAND_REJECTED', { state: s.state });
      return { token: s.token, expiresAt: s.tokenExpiresAt ?? 0 };
    },
  };
}
