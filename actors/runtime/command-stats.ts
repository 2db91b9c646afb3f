/**
 * @module actors/runtime/command-stats
 * What `nats micro stats` reports for each kind's endpoint: every command this node answered
 * (public `tb.*` and owner-direct `tbp.*` alike), the ones answered with an error, the last error
 * code, and the time from receipt to answer. The micro framework only sees `tb.*` (the partition
 * subscriptions are plain, since they come and go with leases) and counts a handler's synchronous
 * return, not the answer, so the node keeps the counts and hands them to the framework when it
 * is asked for stats (`$SRV.STATS`), through the endpoint record its `statsHandler` receives.
 */

/** The counters one endpoint reports (the micro protocol's field names; times in nanoseconds). */
interface Counts {
  num_requests: number;
  num_errors: number;
  processing_time: number;
  average_processing_time: number;
  last_error?: string;
}

/** The part of the framework's endpoint record the counts are written into. */
export interface EndpointStatsTarget {
  name: string;
  stats?: Partial<Counts>;
}

export class CommandStats {
  private readonly byKind = new Map<string, Counts>();

  /** One answered command of `kind`: `outcome` is `ok` or the error code; `ms` receipt to answer. */
  record(kind: string, outcome: string, ms: number): void {
    let c = this.byKind.get(kind);
    if (!c) this.byKind.set(kind, (c = { num_requests: 0, num_errors: 0, processing_time: 0, average_processing_time: 0 }));
    c.num_requests++;
    c.processing_time += Math.round(ms * 1e6);
    c.average_processing_time = Math.round(c.processing_time / c.num_requests);
    if (outcome !== 'ok') {
      c.num_errors++;
      c.last_error = outcome;
    }
  }

  /** The counts of `kind` (zeros when it served nothing). */
  of(kind: string): Counts {
    return { ...(this.byKind.get(kind) ?? { num_requests: 0, num_errors: 0, processing_time: 0, average_processing_time: 0 }) };
  }

  /** Write the counts of the endpoint named `endpoint.name` into its stats record (see the module note). */
  fill(endpoint: EndpointStatsTarget): void {
    if (!endpoint.stats) return;
    const c = this.of(endpoint.name);
    Object.assign(endpoint.stats, c);
    if (c.last_error === undefined) delete endpoint.stats.last_error;
  }
}
