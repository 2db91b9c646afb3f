import { describe, expect, it } from 'vitest';
import { cpuPerTicket } from './report.js';

describe('rehearse report', () => {
  it('rehearse - CPU per sold ticket is the stack without the crowd, and each role on its own', () => {
    expect(cpuPerTicket({ gateways: 2, actor_nodes: 1.5, workers: 0.5, nats: 1, crowd: 3 }, 1_000)).toEqual({
      cpu_ms_per_ticket: 5,
      cpu_ms_per_ticket_gateways: 2,
      cpu_ms_per_ticket_actor_nodes: 1.5,
      cpu_ms_per_ticket_workers: 0.5,
      cpu_ms_per_ticket_nats: 1,
      cpu_ms_per_ticket_crowd: 3,
    });
    expect(cpuPerTicket({ gateways: 2 }, 0)).toEqual({ cpu_ms_per_ticket: null, cpu_ms_per_ticket_gateways: null });
  });
});
