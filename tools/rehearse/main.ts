/**
 * @module tools/rehearse/main
 * `npm run rehearse`: a whole flash sale played against TicketBottle through its public
 * interfaces (REST and the queue WebSocket), with optional chaos (an actor node or a NATS node
 * SIGKILLed mid-sale, duplicate payment callbacks), a live progress line, the doors afterwards
 * (every ticket issued, then scanned at several gates at once), invariants checked from the
 * system's own state, a JSON summary and an HTML report. Exit status: 0 when every
 * invariant holds, 1 when one fails, 2 on bad usage or a crash. Bounded by `--timeout`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkInAtGates } from './checkin.js';
import { runCrowd, planBuyers } from './crowd.js';
import { apiClient } from './http.js';
import { checkInvariants, recordsToken } from './invariants.js';
import { helpText, parseOptions, type RehearseOptions } from './options.js';
import { buildSummary, renderHtml } from './report.js';
import { natsSampler, restSampler } from './sampler.js';
import { mintBuyers, setUpSale } from './setup.js';
import { REHEARSE_SECRETS, startLocalStack, type LocalStack } from './stack.js';

const started = Date.now();
const tty = process.stderr.isTTY;
const log = (m: string) => process.stderr.write(`${tty ? '\r\x1b[K' : ''}[rehearse ${((Date.now() - started) / 1000).toFixed(0)}s] ${m}\n`);
let lastLine = 0;
const live = (m: string) => {
  if (tty) process.stderr.write(`\r\x1b[K${m}`);
  else if (Date.now() - lastLine > 5_000) {
    lastLine = Date.now();
    process.stderr.write(`${m}\n`);
  }
};

/** Run one rehearsal; resolves to the exit status. */
export async function rehearse(o: RehearseOptions): Promise<number> {
  const deadline = started + o.timeout * 1000;
  let stack: LocalStack | undefined;
  const hard = setTimeout(
    () => {
      log(`--timeout ${o.timeout} s reached: stopping`);
      void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(1));
    },
    o.timeout * 1000 + 60_000,
  ); // the crowd stops itself at the deadline; this is the backstop
  hard.unref();
  try {
    if (!o.gateway)
      stack = await startLocalStack(
        { actorNodes: o.actorNodes, gateways: o.gateways > 0 ? o.gateways : Math.ceil(o.users / 8_000), cluster: o.cluster },
        log,
      );
    const gatewayUrl = o.gateway ?? stack!.gatewayUrl;
    const databaseUrl = o.databaseUrl ?? stack?.databaseUrl;
    const natsUrl = o.nats ?? stack?.natsUrl;
    const jwtSecret = stack ? REHEARSE_SECRETS.jwt : process.env['TB_JWT_SECRET'];
    if (!databaseUrl || !jwtSecret)
      throw new Error(
        "with --gateway, pass --database-url and set TB_JWT_SECRET to the gateway's (buyers and the organizer's admin role are made there)",
      );
    const api = apiClient(gatewayUrl);
    log(`minting ${o.users} buyers`);
    const users = await mintBuyers(databaseUrl, jwtSecret, o.users, Math.max(3_600, o.timeout + 600));
    for (const u of users) recordsToken.set(u.id, u.token);
    const preUsers = Math.round(o.users * o.preQueueShare);
    const leadSec = o.leadSec > 0 ? o.leadSec : Math.max(6, Math.ceil(preUsers / 400) + 4);
    log(`setting up the sale through REST (opens ${leadSec} s after publishing)`);
    const sale = await setUpSale(api, {
      databaseUrl,
      jwtSecret,
      tickets: o.tickets,
      classes: o.classes,
      maxConcurrent: o.maxConcurrent,
      leadSec,
    });
    const publishedAt = Date.now();
    log(`event ${sale.eventId}: classes ${sale.classIds.join(', ')} (${sale.classTotals.join(' + ')} tickets)`);
    const plans = planBuyers(o, users, sale, publishedAt, deadline);
    const chaos: Array<Promise<void>> = [];
    const at = (sec: number, what: string, f: () => Promise<void>) =>
      setTimeout(
        () => {
          log(`chaos: ${what}`);
          chaos.push(
            f().then(
              () => {
                log(`chaos: ${what}: restarted`);
              },
              (err: Error) => {
                log(`chaos: ${what} failed: ${err.message}`);
              },
            ),
          );
        },
        Math.max(0, sale.opensAt + sec * 1000 - Date.now()),
      );
    if (o.killActorNode !== undefined && stack)
      at(o.killActorNode, `SIGKILL actor node 0 at +${o.killActorNode}s`, () => stack!.killActorNode(0, 1_000));
    if (o.killNatsNode !== undefined && stack)
      at(o.killNatsNode, `SIGKILL NATS node 0 at +${o.killNatsNode}s`, () => stack!.killNatsNode(0, 5_000));
    const sampler = natsUrl ? await natsSampler(natsUrl, sale.eventId, sale.classIds) : restSampler(api, sale);
    const crowd = await runCrowd(o, sale, plans, {
      gatewayUrl,
      sandboxSecret: stack ? REHEARSE_SECRETS.sandbox : process.env['TB_SANDBOX_PAYMENT_SECRET'],
      deadline,
      line: live,
      sample: sampler.sample,
    }).finally(() => sampler.close());
    await Promise.all(chaos);
    const cpu = { ...(stack?.cpuSeconds() ?? {}), crowd: crowd.cpuS };
    log(
      `crowd done (${crowd.endedBy}); CPU seconds so far: ${Object.entries(cpu)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; checking invariants from the system's state`,
    );
    const saleVerdicts = await checkInvariants(api, sale, crowd.records, {
      natsUrl,
      maxConcurrent: o.maxConcurrent,
      maxSlotsSeen: Math.max(0, ...crowd.samples.map((s) => s.slotsInUse)),
      settleMs: Math.min(o.settleSec * 1000, Math.max(10_000, deadline - Date.now())),
      log,
    });
    log(`the doors: waiting for every sold ticket to be issued, then ${o.checkinGates} gates scan every ticket`);
    const doors = await checkInAtGates(api, sale, crowd.records, {
      databaseUrl,
      gates: o.checkinGates,
      issueWaitMs: 60_000,
      tokenOf: (id) => recordsToken.get(id),
      log,
    });
    const verdicts = { ...saleVerdicts, ...doors };
    const summary = buildSummary({
      users: o.users,
      tickets: o.tickets,
      opensAt: sale.opensAt,
      samples: crowd.samples,
      records: crowd.records,
      verdicts,
      endedBy: crowd.endedBy,
      wallSec: (Date.now() - started) / 1000,
      cpu,
    });
    const out = resolve(o.out);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'summary.json'), `${JSON.stringify({ ...summary, event_id: sale.eventId, options: o }, null, 2)}\n`);
    writeFileSync(join(out, 'report.html'), renderHtml(summary, crowd.samples, crowd.records, sale.opensAt, o));
    // The raw observations behind the figures (each buyer's statuses and ETAs, the queue once a second), for analysis.
    writeFileSync(
      join(out, 'observed.json'),
      `${JSON.stringify({ opensAt: sale.opensAt, samples: crowd.samples, records: crowd.records })}\n`,
    );
    const errors = crowd.records
      .filter((r) => r.error)
      .slice(0, 5)
      .map((r) => r.error);
    if (errors.length) log(`buyer errors (first 5): ${errors.join(' | ')}`);
    printTable(summary);
    log(`wrote ${join(out, 'summary.json')}, ${join(out, 'report.html')} and ${join(out, 'observed.json')}`);
    if (o.json) {
      const { invariants: _i, steps: _s, ...line } = summary;
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
    return summary.invariants_ok ? 0 : 1;
  } finally {
    if (stack) {
      log('stopping the local all-in-one');
      await stack.stop().catch((err: Error) => log(`stop failed: ${err.message}`));
    }
    clearTimeout(hard);
  }
}

function printTable(s: ReturnType<typeof buildSummary>): void {
  const w = (x: string) => process.stderr.write(`${x}\n`);
  w('');
  w(
    `users ${s.users}  tickets ${s.tickets}  sold ${s.sold}  sellout ${s.sellout_s ?? '—'} s  ${s.tickets_per_s} tickets/s  95 % sold at ${s.sold_95pct_s ?? '—'} s  ended by ${s.ended_by}`,
  );
  w(
    `outcomes ${Object.entries(s.outcomes)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  w(`waits for held tickets ${s.held_waits}, buyers who gave up waiting ${s.held_gave_up}`);
  w(`queue sockets dropped after opening ${s.ws_dropped} (each reconnected), upgrades refused ${s.ws_upgrade_refused}`);
  w(
    `CPU seconds ${Object.entries(s.cpu_s)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')} (PostgreSQL not counted)`,
  );
  w(
    `CPU ms per sold ticket ${s.cpu_ms_per_ticket ?? '—'} (the stack without the crowd): ${Object.entries(s)
      .filter(([k]) => k.startsWith('cpu_ms_per_ticket_'))
      .map(([k, v]) => `${k.slice('cpu_ms_per_ticket_'.length)} ${v ?? '—'}`)
      .join(', ')}`,
  );
  w('step                    n      p50     p90     p99     max (ms)');
  for (const [k, v] of Object.entries(s.steps))
    w(
      `${k.padEnd(22)}${String(v.n).padStart(6)}${String(v.p50).padStart(8)}${String(v.p90).padStart(8)}${String(v.p99).padStart(8)}${String(v.max).padStart(8)}`,
    );
  for (const [k, v] of Object.entries(s.invariants)) w(`${v.ok ? 'ok  ' : 'FAIL'} ${k}: ${v.detail}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let opts: RehearseOptions;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${helpText()}\n`);
    process.exit(2);
  }
  if (opts.help) {
    process.stdout.write(`${helpText()}\n`);
    process.exit(0);
  }
  rehearse(opts).then(
    (code) => process.exit(code),
    (err: Error) => {
      log(`crashed: ${err.stack ?? err.message}`);
      process.exit(2);
    },
  );
}
