/**
 * @module bench/echo-responder
 * The baseline of bench:runtime: a raw NATS responder that echoes each request, in its own
 * process like an actor node, so both cases have the same topology.
 */
import { connect } from '@nats-io/transport-node';
import { splitNatsUrl } from '../config/index.js';

const nc = await connect({ ...splitNatsUrl(process.env.TB_NATS_URL ?? 'nats://127.0.0.1:4222'), noAsyncTraces: true });
nc.subscribe('bench.echo', { callback: (_err, msg) => void msg.respond(msg.data) });
await nc.flush();
console.log(JSON.stringify({ msg: 'echo responder ready' }));
process.on('SIGTERM', () => void nc.close().then(() => process.exit(0)));
