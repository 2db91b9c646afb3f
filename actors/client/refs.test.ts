/**
 * @module actors/client/refs.test
 * The typed references and the protocol table: a reference sends its kind, id and verb with the
 * body and a command id made by the one scheme; a read sends no id; every production kind's
 * handlers are exactly its protocol (same schema objects, same read-only verbs), so the
 * references can never name a verb a node does not serve.
 */
import { describe, expect, it } from 'vitest';
import { KindProtocols, commandIdOf, isReadVerb } from '../../contracts/kinds/index.js';
import { productionKinds } from '../kinds.js';
import { createActors, type ActorTransport } from './refs.js';
import type { RequestOptions } from './client.js';

function recorder() {
  const sent: Array<{ kind: string; id: string; verb: string; body: Record<string, unknown>; opts: RequestOptions | undefined }> = [];
  const transport: ActorTransport = {
    request: async <R>(kind: string, id: string, verb: string, body: Record<string, unknown>, opts?: RequestOptions) => {
      sent.push({ kind, id, verb, body, opts });
      return { ok: true } as R;
    },
  };
  return { sent, transport };
}

describe('actors/client - typed references', () => {
  it('a writing verb sends the body with the command id of its key; a read sends no id', async () => {
    const { sent, transport } = recorder();
    const actors = createActors(transport);
    await actors
      .order('ord_1')
      .paymentCreated({ paymentId: 'p1', paymentUrl: 'https://pay', provider: 'sandbox' }, ['ord_1', 'paymentCreated']);
    await actors.queue('ev1').join({ userId: 'u1' }, ['join', 'u1']);
    await actors.event('ev1').get({ viewer: { userId: 'u1', platformRoles: [] } });
    await actors.ticketclass('tc1').get();
    expect(sent).toEqual([
      {
        kind: 'order',
        id: 'ord_1',
        verb: 'paymentCreated',
        body: { paymentId: 'p1', paymentUrl: 'https://pay', provider: 'sandbox', commandId: 'ord_1:paymentCreated' },
        opts: undefined,
      },
      { kind: 'queue', id: 'ev1', verb: 'join', body: { userId: 'u1', commandId: 'join:u1' }, opts: undefined },
      { kind: 'event', id: 'ev1', verb: 'get', body: { viewer: { userId: 'u1', platformRoles: [] } }, opts: undefined },
      { kind: 'ticketclass', id: 'tc1', verb: 'get', body: {}, opts: undefined },
    ]);
  });

  it('with() adds request options, merged over the ones the references were made with', async () => {
    const { sent, transport } = recorder();
    const base = createActors(transport, { requestId: 'r1' });
    await base.with({ budgetMs: 7 }).buyer('b1').get();
    await base.order('o1').eventCancelled({}, ['event-cancelled', 'ev1']);
    expect(sent.map((s) => s.opts)).toEqual([{ requestId: 'r1', budgetMs: 7 }, { requestId: 'r1' }]);
    expect(sent[1]!.body).toEqual({ commandId: 'event-cancelled:ev1' });
  });

  it('commandIdOf: parts joined by ":", foreign characters replaced, long keys bounded and still distinct', () => {
    expect(commandIdOf(['void', 'refund', 'a,b c'])).toBe('void:refund:a_b_c');
    expect(commandIdOf(['ord_1:release:tc1', 'done'])).toBe('ord_1:release:tc1:done');
    expect(commandIdOf([7, 'x'])).toBe('7:x');
    const long1 = commandIdOf(['void', 'r', `${'x'.repeat(200)}1`]);
    const long2 = commandIdOf(['void', 'r', `${'x'.repeat(200)}2`]);
    expect(long1).toHaveLength(128);
    expect(long1).toMatch(/^[A-Za-z0-9_:.@/+=-]+$/);
    expect(long1).not.toBe(long2);
    expect(() => commandIdOf([])).toThrow(RangeError);
  });

  it('every production kind serves exactly its protocol: the same schemas, the same read-only verbs', async () => {
    const kinds = await productionKinds();
    expect(kinds.map((k) => k.kind).sort()).toEqual(Object.keys(KindProtocols).sort());
    for (const k of kinds) {
      const p = KindProtocols[k.kind as keyof typeof KindProtocols];
      expect(Object.keys(k.handlers).sort(), k.kind).toEqual(Object.keys(p.commands).sort());
      for (const [verb, h] of Object.entries(k.handlers)) {
        expect(h.schema, `${k.kind}.${verb} schema`).toBe((p.commands as Record<string, unknown>)[verb]);
        expect(h.readOnly === true, `${k.kind}.${verb} readOnly`).toBe(isReadVerb(k.kind, verb));
      }
    }
  });
});
