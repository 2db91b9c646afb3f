import { connect } from '@nats-io/transport-node';
import { createActorClient } from '../contracts/index.js';
import { drive } from './lib.js';
const nc = await connect({ servers: process.env.TB_NATS_URL!, noAsyncTraces: true });
const client = createActorClient(nc, { partitions: 64, timeoutMs: 10_000, budgetMs: 30_000 });
const id = `hot-${Date.now().toString(36)}`;
for (;;) { if (await client.request('ticketclass', id, 'create', { commandId: 'mk', eventId: 'b', name: 'GA', priceMinor: 1, currency: 'VND', total: 1_000_000 }).then(() => true, () => false)) break; await new Promise((r) => setTimeout(r, 250)); }
let n = 0;
const r = await drive('x', 30000, 256, async () => { const o = `o${n++}`; await client.request('ticketclass', id, 'reserve', { commandId: `r${o}`, orderId: o, quantity: 1 }); await client.request('ticketclass', id, 'release', { commandId: `x${o}`, orderId: o }); });
console.log(JSON.stringify(r));
await nc.close();
