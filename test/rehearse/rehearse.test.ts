/**
 * @module test/rehearse/rehearse.test
 * A small flash-sale rehearsal end to end (`tools/rehearse`): 300 buyers, 50 tickets, the local
 * all-in-one on private NATS and PostgreSQL with two gateways sharing one port, actor node 0
 * SIGKILLed two seconds after the sale opens, duplicate payment callbacks, then 4 gates each
 * scanning every ticket at once (exactly one check-in per ticket); every invariant must hold,
 * checked from the system's state, and the CPU each part used is reported.
 * Runs `npm run rehearse` as a child process, exactly as a person would, and reads its JSON line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { postgresUnavailable } from '../db/throwaway-db.js';
import { fileURLToPath } from 'node:url';
import { hasNatsServer } from '../harness/nats.js';

/** The repository root: the child runs there so `--import tsx` resolves. */
const REPO_ROOT_FOR_TESTS = fileURLToPath(new URL('../../', import.meta.url));
/** The entry point the test runs, exactly as `npm run rehearse` does. */
const REHEARSE_ENTRY = 'tools/rehearse/main.ts';
/** How long the test lets the rehearsal run (its own --timeout is shorter). */
const REHEARSE_TEST_BUDGET_MS = 330_000;
/** Buyers and tickets (issue 6: "for example 300 users, 50 tickets"). */
const CI_SIZE = { users: 300, tickets: 50 } as const;
/** Checkout slots of the waitroom, and when actor node 0 is SIGKILLed (s after opening). */
const CI_MAX_CONCURRENT = 25;
const CI_KILL_AT_SEC = 2;

const pgMissing = await postgresUnavailable();
const skip = !hasNatsServer() ? 'no nats-server on PATH' : pgMissing;

describe.skipIf(skip !== undefined)('rehearse: 300 buyers, 50 tickets, an actor node killed', () => {
  it('sells every ticket and every invariant holds', () => {
    const out = mkdtempSync(join(tmpdir(), 'tb-rehearse-'));
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        REHEARSE_ENTRY,
        '--users',
        String(CI_SIZE.users),
        '--tickets',
        String(CI_SIZE.tickets),
        '--max-concurrent',
        String(CI_MAX_CONCURRENT),
        '--kill-actor-node',
        String(CI_KILL_AT_SEC),
        '--duplicate-callbacks',
        '--gateways',
        '2',
        '--arrival-sec',
        '5',
        '--settle-sec',
        '90',
        '--timeout',
        '240',
        '--json',
        '--out',
        out,
      ],
      { cwd: REPO_ROOT_FOR_TESTS, encoding: 'utf8', timeout: REHEARSE_TEST_BUDGET_MS },
    );
    const line = r.stdout.trim().split('\n').at(-1) ?? '';
    expect(line, `stderr tail:\n${r.stderr.slice(-4_000)}`).toMatch(/^\{/);
    const s = JSON.parse(line) as Record<string, unknown>;
    // Sold means sold: more buyers than tickets, so every ticket is sold and the sale ends by selling out.
    expect(s).toMatchObject({ users: CI_SIZE.users, tickets: CI_SIZE.tickets, sold: CI_SIZE.tickets, ended_by: 'soldOut' });
    for (const k of [
      'sold_equals_completed_lines',
      'no_hold_past_deadline',
      'no_slot_leaked',
      'no_double_admission',
      'paid_orders_completed',
      'refunds_equal_flagged',
      'fifo_after_opening',
      'pre_queue_seed_order',
      'tickets_issued_equal_sold',
      'checked_in_once',
    ]) {
      expect(s[k], `${k}; stderr tail:\n${r.stderr.slice(-3_000)}`).toBe(true);
    }
    expect(s['invariants_ok']).toBe(true);
    const cpu = s['cpu_s'] as Record<string, number>;
    for (const k of ['gateways', 'actor_nodes', 'workers', 'nats', 'crowd']) expect(cpu[k], `cpu_s.${k}`).toBeGreaterThan(0);
    // CPU per sold ticket (issue 12): the stack's total and one figure per role.
    expect(s['cpu_ms_per_ticket'] as number).toBeGreaterThan(0);
    for (const k of ['gateways', 'actor_nodes', 'workers', 'nats', 'crowd'])
      expect(s[`cpu_ms_per_ticket_${k}`] as number, `cpu_ms_per_ticket_${k}`).toBeGreaterThan(0);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/chaos: SIGKILL actor node 0/);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/<svg/);
  }, 360_000);
});
