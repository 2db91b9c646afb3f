/**
 * @module tools/rehearse/report
 * Turns a finished rehearsal into its outputs: the JSON summary (stable field names: `users`,
 * `tickets`, `sold`, `sellout_s`, `tickets_per_s`, `invariants_ok`, one boolean per invariant,
 * p99 of each step, `cpu_ms_per_ticket` and `cpu_ms_per_ticket_<role>`) and a self-contained HTML report whose charts are inline SVG (no scripts,
 * no external files): queue length, admissions/s, sales/s, stock left, latency histograms of
 * join / admit / order / payment-to-completed, and ETA predicted vs actual.
 */
import type { Verdicts } from './invariants.js';
import { etaErrors, histogram, percentile, summary } from './stats.js';
import type { BuyerRecord, Sample } from './types.js';

/** The step latencies (ms) of every buyer who reached that step. */
export function latencies(records: BuyerRecord[], opensAt: number) {
  const join: number[] = [];
  const admit: number[] = [];
  const order: number[] = [];
  const pay: number[] = [];
  const eta: Array<[number, number]> = [];
  for (const r of records) {
    if (r.joinStart !== undefined && r.joinedAt !== undefined) join.push(r.joinedAt - r.joinStart);
    if (r.admittedAt !== undefined && r.joinedAt !== undefined) admit.push(r.admittedAt - Math.max(r.joinedAt, opensAt));
    if (r.admittedAt !== undefined && r.etaAt !== undefined && r.etaPredictedSec !== undefined)
      eta.push([r.etaPredictedSec, (r.admittedAt - r.etaAt) / 1000]);
    for (const a of r.orders) {
      order.push(a.orderMs);
      if (a.payAt !== undefined && a.finalAt !== undefined && a.status === 'COMPLETED') pay.push(a.finalAt - a.payAt);
    }
  }
  return { join, admit, order, pay, eta };
}

/**
 * CPU per sold ticket (issue 12), in ms: `cpu_ms_per_ticket` for the system under test (every
 * role but the crowd; PostgreSQL not counted) and `cpu_ms_per_ticket_<role>` for each role,
 * the crowd included. Null when nothing was sold.
 */
export function cpuPerTicket(
  cpu: Record<string, number>,
  sold: number,
): { cpu_ms_per_ticket: number | null } & Record<string, number | null> {
  const per = (s: number) => (sold > 0 ? Math.round((s * 1000 * 100) / sold) / 100 : null);
  const stack = Object.entries(cpu)
    .filter(([k]) => k !== 'crowd')
    .reduce((n, [, v]) => n + v, 0);
  return { cpu_ms_per_ticket: per(stack), ...Object.fromEntries(Object.entries(cpu).map(([k, v]) => [`cpu_ms_per_ticket_${k}`, per(v)])) };
}

/** `<prefix>_error_p50_pct`, `<prefix>_error_p90_pct` (null without samples) and `<prefix>_samples`. */
function etaFigures<P extends string>(prefix: P, errors: number[]) {
  const q = (x: number) => (errors.length ? Math.round(percentile(errors, x) * 10) / 10 : null);
  return { [`${prefix}_error_p50_pct`]: q(0.5), [`${prefix}_error_p90_pct`]: q(0.9), [`${prefix}_samples`]: errors.length } as Record<
    `${P}_error_p50_pct` | `${P}_error_p90_pct`,
    number | null
  > &
    Record<`${P}_samples`, number>;
}

/** Build the summary object (also the `--json` line). */
export function buildSummary(input: {
  users: number;
  tickets: number;
  opensAt: number;
  samples: Sample[];
  records: BuyerRecord[];
  verdicts: Verdicts;
  endedBy: string;
  wallSec: number;
  cpu?: Record<string, number>;
}) {
  const { records, samples, verdicts } = input;
  const lat = latencies(records, input.opensAt);
  const sold = samples.at(-1)?.sold ?? 0;
  const soldOutAt = samples.find((s) => s.sold >= input.tickets)?.at;
  const lastSale = Math.max(0, ...records.flatMap((r) => r.orders.filter((a) => a.status === 'COMPLETED').map((a) => a.finalAt ?? 0)));
  const sellout = soldOutAt !== undefined ? (Math.min(soldOutAt, lastSale || soldOutAt) - input.opensAt) / 1000 : null;
  const saleSec = ((lastSale || Date.now()) - input.opensAt) / 1000;
  // The tail of a sale is tickets held by checkouts that are never paid, until their deadline:
  // the time to 95 % says how fast the rest sold.
  const at95 = samples.find((s) => s.sold >= Math.ceil(input.tickets * 0.95))?.at;
  const outcomes: Record<string, number> = {};
  for (const r of records) outcomes[r.outcome ?? 'unknown'] = (outcomes[r.outcome ?? 'unknown'] ?? 0) + 1;
  const ok = Object.values(verdicts).every((v) => v.ok);
  const steps = { join: summary(lat.join), admit: summary(lat.admit), order: summary(lat.order), payment_to_completed: summary(lat.pay) };
  return {
    users: input.users,
    tickets: input.tickets,
    sold,
    sellout_s: sellout === null ? null : Math.round(sellout * 100) / 100,
    tickets_per_s: Math.round((sold / Math.max(0.001, sellout ?? saleSec)) * 10) / 10,
    sold_95pct_s: at95 === undefined ? null : Math.round((at95 - input.opensAt) / 10) / 100,
    invariants_ok: ok,
    ...Object.fromEntries(Object.entries(verdicts).map(([k, v]) => [k, v.ok])),
    p99_join_ms: steps.join.p99,
    p99_admit_ms: steps.admit.p99,
    p99_order_ms: steps.order.p99,
    p99_payment_to_completed_ms: steps.payment_to_completed.p99,
    steps,
    outcomes,
    ended_by: input.endedBy,
    wall_s: Math.round(input.wallSec),
    /** Queue sockets that opened, then closed under a waiting buyer (who reconnected), and upgrades refused. */
    ws_dropped: records.reduce((n, r) => n + (r.dropped ?? 0), 0),
    ws_upgrade_refused: records.reduce((n, r) => n + r.joinErrors.length, 0),
    /** Waits of admitted buyers for held tickets to come back (INVENTORY_ALL_HELD → retryAt), and buyers who gave up waiting. */
    held_waits: records.reduce((n, r) => n + (r.heldWaits ?? 0), 0),
    held_gave_up: records.filter((r) => r.heldGaveUp).length,
    /** CPU seconds by role until the crowd ended (gateways, actor_nodes, workers, nats, crowd). */
    cpu_s: input.cpu ?? {},
    ...cpuPerTicket(input.cpu ?? {}, sold),
    /** The gateways' CPU (from /proc) per buyer, ms: what one waiting-room socket and its buyer's REST calls cost the gateway. */
    gateway_cpu_ms_per_buyer:
      input.cpu?.['gateways'] === undefined ? null : Math.round(((input.cpu['gateways'] * 1000) / Math.max(1, input.users)) * 100) / 100,
    /**
     * ETA accuracy: every ETA an admitted buyer was shown (at join and at each later status) against
     * the wait that followed, as absolute percentage error (waits under 1 s count as 1 s).
     */
    ...etaFigures('eta', etaErrors(records)),
    /** The same, split by what the status also said: tickets left for everyone ahead, or `likelySoldOut` (fewer left than people ahead). */
    ...etaFigures('eta_in_stock', etaErrors(records, 'inStock')),
    ...etaFigures('eta_likely_sold_out', etaErrors(records, 'likelySoldOut')),
    invariants: verdicts,
  };
}

/** The summary's type. */
export type Summary = ReturnType<typeof buildSummary>;

const W = 560;
const H = 200;
const PAD = 36;
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** One SVG chart: `series` are polylines over shared axes, or bars when `bars` is set. */
function chart(
  title: string,
  xLabel: string,
  series: Array<{ name: string; pts: Array<[number, number]>; color: string }>,
  opts: { bars?: boolean; dots?: boolean; diagonal?: boolean } = {},
): string {
  const all = series.flatMap((s) => s.pts);
  const maxX = Math.max(1, ...all.map((p) => p[0]));
  const maxY = Math.max(1, ...all.map((p) => p[1]));
  const x = (v: number) => PAD + (v / maxX) * (W - PAD - 10);
  const y = (v: number) => H - PAD + 10 - (v / maxY) * (H - PAD - 10);
  const body = series
    .map((s) => {
      if (opts.bars)
        return s.pts
          .map(
            ([px, py]) =>
              `<rect x="${x(px).toFixed(1)}" y="${y(py).toFixed(1)}" width="${Math.max(1, (W - PAD) / s.pts.length - 1).toFixed(1)}" height="${(H - PAD + 10 - y(py)).toFixed(1)}" fill="${s.color}"/>`,
          )
          .join('');
      if (opts.dots)
        return s.pts.map(([px, py]) => `<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="1.5" fill="${s.color}"/>`).join('');
      return `<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${s.pts.map(([px, py]) => `${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(' ')}"/>`;
    })
    .join('');
  const diag = opts.diagonal
    ? `<line x1="${x(0)}" y1="${y(0)}" x2="${x(Math.min(maxX, maxY))}" y2="${y(Math.min(maxX, maxY))}" stroke="#999" stroke-dasharray="4"/>`
    : '';
  const legend = series
    .map((s, i) => `<text x="${W - 150}" y="${14 + 14 * i}" fill="${s.color}" font-size="11">${esc(s.name)}</text>`)
    .join('');
  return `<figure><figcaption>${esc(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">
<line x1="${PAD}" y1="${H - PAD + 10}" x2="${W - 10}" y2="${H - PAD + 10}" stroke="#333"/><line x1="${PAD}" y1="10" x2="${PAD}" y2="${H - PAD + 10}" stroke="#333"/>
<text x="2" y="16" font-size="10">${Math.round(maxY)}</text><text x="${W - 60}" y="${H - 6}" font-size="10">${Math.round(maxX)} ${esc(xLabel)}</text>${diag}${body}${legend}</svg></figure>`;
}

/** Rate per second between consecutive samples of a cumulative counter. */
function rate(samples: Sample[], t0: number, f: (s: Sample) => number): Array<[number, number]> {
  return samples
    .slice(1)
    .map((s, i) => [
      Math.max(0, (s.at - t0) / 1000),
      Math.max(0, (f(s) - f(samples[i]!)) / Math.max(0.001, (s.at - samples[i]!.at) / 1000)),
    ]);
}

/** The self-contained HTML report. */
export function renderHtml(summaryObj: Summary, samples: Sample[], records: BuyerRecord[], opensAt: number, options: unknown): string {
  const t = (s: Sample) => Math.max(0, (s.at - opensAt) / 1000);
  const lat = latencies(records, opensAt);
  const hist = (name: string, v: number[], color: string) => {
    const h = histogram(v, 40);
    return chart(
      `${name} latency (n = ${v.length}, p50 ${summary(v).p50} ms, p99 ${summary(v).p99} ms)`,
      'ms',
      [{ name, color, pts: h.counts.map((c, i) => [i * h.width, c] as [number, number]) }],
      { bars: true },
    );
  };
  const rows = Object.entries(summaryObj.invariants)
    .map(([k, v]) => `<tr><td>${v.ok ? '✅' : '❌'}</td><td>${esc(k)}</td><td>${esc(v.detail)}</td></tr>`)
    .join('');
  const steps = Object.entries(summaryObj.steps)
    .map(([k, s]) => `<tr><td>${esc(k)}</td><td>${s.n}</td><td>${s.p50}</td><td>${s.p90}</td><td>${s.p99}</td><td>${s.max}</td></tr>`)
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>TicketBottle rehearsal</title>
<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto}figure{display:inline-block;margin:8px}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}</style></head><body>
<h1>Flash-sale rehearsal ${summaryObj.invariants_ok ? '✅' : '❌'}</h1>
<p>${summaryObj.users} buyers, ${summaryObj.tickets} tickets: ${summaryObj.sold} sold; sold out after ${summaryObj.sellout_s ?? '—'} s (${summaryObj.tickets_per_s} tickets/s; 95 % sold after ${summaryObj.sold_95pct_s ?? '—'} s); ended by ${esc(summaryObj.ended_by)}.</p>
<p>CPU seconds until the crowd ended: ${
    Object.entries(summaryObj.cpu_s)
      .map(([k, v]) => `${esc(k)} ${v}`)
      .join(', ') || '—'
  } (PostgreSQL not counted).</p>
<h2>Invariants</h2><table>${rows}</table>
<h2>Steps (ms)</h2><table><tr><th>step</th><th>n</th><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr>${steps}</table>
<h2>Outcomes</h2><pre>${esc(JSON.stringify(summaryObj.outcomes, null, 1))}</pre>
<h2>Over time (s after opening)</h2>
${chart('Queue length (joined − cursor)', 's', [{ name: 'waiting', color: '#1f77b4', pts: samples.map((s) => [t(s), s.queueLength]) }])}
${chart('Admissions/s and sales/s', 's', [
  { name: 'admissions/s', color: '#ff7f0e', pts: rate(samples, opensAt, (s) => s.admitted) },
  { name: 'tickets sold/s', color: '#2ca02c', pts: rate(samples, opensAt, (s) => s.sold) },
])}
${chart('Stock left', 's', [
  { name: 'available', color: '#d62728', pts: samples.map((s) => [t(s), s.available]) },
  { name: 'held', color: '#9467bd', pts: samples.map((s) => [t(s), s.reserved]) },
])}
<h2>Latencies</h2>
${hist('join', lat.join, '#1f77b4')}${hist('admit (wait in queue)', lat.admit, '#ff7f0e')}${hist('order', lat.order, '#2ca02c')}${hist('payment → completed', lat.pay, '#d62728')}
<h2>ETA predicted vs actual</h2>
${chart('Each dot a buyer: first ETA shown after opening (x, s) vs actual wait from then (y, s); dashed = perfect', 's predicted', [{ name: 'buyers', color: '#1f77b4', pts: lat.eta }], { dots: true, diagonal: true })}
<h2>Options</h2><pre>${esc(JSON.stringify(options, null, 1))}</pre>
</body></html>`;
}
