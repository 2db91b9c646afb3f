/**
 * Persistence by batch (actors/runtime/journal.ts): a journaled actor appends what each batch
 * changed, fenced on the last record it saw; a snapshot every SNAPSHOT_EVERY records lets the
 * records before it go; a load is the snapshot plus the records after it, replayed. Real
 * nats-server, real activations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { startNatsServer, type NatsServerHandle } from '../harness/nats.js';
import { ensureInfra, type RuntimeInfra } from '../../actors/runtime/infra.js';
import { StateStore } from '../../actors/runtime/store.js';
import { OutboxPublisher } from '../../actors/runtime/outbox.js';
import { ReplyLog } from '../../actors/runtime/reply-log.js';
import { DurableTimers } from '../../actors/runtime/timers.js';
import { Activation, type CommandOutcome } from '../../actors/runtime/activation.js';
import { JOURNAL_STREAM, JournalStore, SNAPSHOT_EVERY, journalSubject } from '../../actors/runtime/journal.js';
import { counterKind } from '../fixtures/counter-kind.js';
import { decode, Format } from '../../contracts/index.js';

let server: NatsServerHandle;
let nc: NatsConnection;
let infra: RuntimeInfra;
let journal: JournalStore;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  infra = await ensureInfra(nc, { replicas: 1, memberTimeoutMs: 1_000, dedupeWindowMs: 60_000 });
  journal = new JournalStore(infra.js, infra.jsm, () => 0);
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

const silent = { debug() {}, warn() {}, error() {} };
const journaledCounter = { ...counterKind, persistence: 'journal' as const };

function activation(id: string, events: { dropped: string[]; conflicts: string[] } = { dropped: [], conflicts: [] }) {
  return new Activation({
    kind: journaledCounter as never,
    id,
    key: `counter.${id}`,
    partition: 0,
    store: new StateStore(infra.state, () => 0),
    journal,
    leaseValid: () => true,
    outbox: new OutboxPublisher(infra.js),
    replyLog: new ReplyLog(infra.js, 60_000),
    timers: new DurableTimers(infra.timers, () => undefined),
    dedupeWindowMs: 60_000,
    log: silent,
    onDropped: (_a, reason) => events.dropped.push(reason),
    onConflict: (key) => events.conflicts.push(key),
  });
}

const ask = (a: Activation, verb: string, cmd: Record<string, unknown>) =>
  new Promise<CommandOutcome>((done) => a.enqueue({ t: 'cmd', verb, cmd, requestId: undefined, done }));
const view = (o: CommandOutcome) => (o.ok ? (o.result as { value: number; adds: number }) : o);

async function subjectRecords(id: string): Promise<number> {
  const info = await infra.jsm.streams.info(JOURNAL_STREAM, { subjects_filter: journalSubject('counter', id) } as never);
  return Object.values(info.state.subjects ?? {}).reduce((a, b) => a + Number(b), 0);
}

describe('runtime - persistence by batch (journal + snapshots)', () => {
  it('a reloaded actor is the snapshot plus its replayed records, and the records a snapshot covers are purged', async () => {
    const a = activation('replayed');
    const batches = SNAPSHOT_EVERY + 10;
    // One command at a time: one batch, one record each.
    for (let i = 0; i < batches; i++) expect((await ask(a, 'add', { commandId: `c${i}`, amount: 1 })).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 200)); // the snapshot after record SNAPSHOT_EVERY is written in the background
    const entry = await new StateStore(infra.state, () => 0).load('counter.replayed');
    expect(entry.entry?.j).toBeGreaterThan(0); // a snapshot covering record SNAPSHOT_EVERY
    expect(entry.entry?.seq).toBe(SNAPSHOT_EVERY);
    // The records the snapshot covers are gone, but the one it names (the chain's anchor) and the ten after it.
    expect(await subjectRecords('replayed')).toBe(11);

    const b = activation('replayed');
    expect(view(await ask(b, 'get', { commandId: 'g' }))).toMatchObject({ value: batches, adds: batches });
    // Remembered answers survive the reload: a repeat of the last command and of one the snapshot covers answer as first time.
    expect(view(await ask(b, 'add', { commandId: `c${batches - 1}`, amount: 1 }))).toMatchObject({ value: batches });
    expect(view(await ask(b, 'add', { commandId: `c${SNAPSHOT_EVERY - 3}`, amount: 1 }))).toMatchObject({
      value: SNAPSHOT_EVERY - 2,
    });
    expect(view(await ask(b, 'add', { commandId: 'after', amount: 5 }))).toMatchObject({ value: batches + 5 });
  });

  it('a batch writes what it changed, not what the actor holds', async () => {
    const a = activation('padded');
    expect((await ask(a, 'pad', { commandId: 'pad', bytes: 50_000 })).ok).toBe(true);
    expect((await ask(a, 'add', { commandId: 'small', amount: 1 })).ok).toBe(true);
    const last = await infra.jsm.streams.getMessage(JOURNAL_STREAM, { last_by_subj: journalSubject('counter', 'padded') });
    const record = decode(last!.data, Format.Msgpack) as { ops: unknown[]; seq: number };
    expect(record.seq).toBe(2);
    expect(record.ops).toEqual([[0, { type: 'counter.add', amount: 1 }]]);
    expect(last!.data.byteLength).toBeLessThan(1_000); // the 50 KB entry is not in it
    // And the padded state comes back on load.
    const b = activation('padded');
    expect(view(await ask(b, 'add', { commandId: 'small2', amount: 1 }))).toMatchObject({ value: 2, adds: 2 });
  });

  it('two activations that both believe they own the actor: one append wins, the other answers retry and drops', async () => {
    const seed = activation('contested');
    expect((await ask(seed, 'add', { commandId: 'seed', amount: 1 })).ok).toBe(true);
    const ea = { dropped: [] as string[], conflicts: [] as string[] };
    const eb = { dropped: [] as string[], conflicts: [] as string[] };
    const a = activation('contested', ea);
    const b = activation('contested', eb);
    await Promise.all([ask(a, 'get', { commandId: 'g' }), ask(b, 'get', { commandId: 'g' })]);
    const [ra, rb] = await Promise.all([
      ask(a, 'add', { commandId: 'race-a', amount: 10 }),
      ask(b, 'add', { commandId: 'race-b', amount: 100 }),
    ]);
    const winners = [ra, rb].filter((o) => o.ok);
    expect(winners).toHaveLength(1);
    expect([ra, rb].find((o) => !o.ok)).toMatchObject({ ok: false, error: { code: 'RUNTIME_NOT_OWNER', retryable: true } });
    expect([...ea.conflicts, ...eb.conflicts]).toHaveLength(1);
    expect([...ea.dropped, ...eb.dropped]).toEqual(['write conflict']);
    // A fresh load sees exactly the winner's command.
    const c = activation('contested');
    const won = ra.ok ? 10 : 100;
    expect(view(await ask(c, 'get', { commandId: 'g' }))).toMatchObject({ value: 1 + won, adds: 2 });
  });

  it('a durable timer set in a journaled batch is restored by the replay', async () => {
    const a = activation('timed');
    const armed = view(await ask(a, 'arm', { commandId: 'arm', inMs: 60_000 })) as unknown as { deadline: number };
    const b = activation('timed');
    expect(view(await ask(b, 'get', { commandId: 'g' }))).toMatchObject({ deadline: armed.deadline });
  });

  it('a reader whose records were purged under it sees the hole instead of replaying past it', async () => {
    const id = 'holed';
    const r1 = await journal.append('counter', id, { v: 1, seq: 1, prev: 0, at: 1, ops: [[1, {}]] });
    const r2 = await journal.append('counter', id, { v: 1, seq: 2, prev: r1.jseq, at: 2, ops: [[0, { type: 'counter.add', amount: 1 }]] });
    const r3 = await journal.append('counter', id, { v: 1, seq: 3, prev: r2.jseq, at: 3, ops: [[0, { type: 'counter.add', amount: 1 }]] });
    expect((await journal.tail('counter', id, 0))?.map((r) => r.jseq)).toEqual([r1.jseq, r2.jseq, r3.jseq]);
    // A snapshot covering r3 purges r1 and r2: a reader still holding the older snapshot (none) must not replay only r3.
    await journal.purgeBefore('counter', id, r3.jseq);
    expect(await journal.tail('counter', id, 0)).toBeUndefined();
    expect((await journal.tail('counter', id, r3.jseq))?.length).toBe(0);
    // An append that expects an older record than the last loses, as a stale owner's would.
    await expect(journal.append('counter', id, { v: 1, seq: 3, prev: r2.jseq, at: 4, ops: [] })).rejects.toMatchObject({
      code: 'RUNTIME_NOT_OWNER',
    });
  });
});
