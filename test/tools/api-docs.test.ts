/**
 * @module test/tools/api-docs.test
 * docs/api.md lists exactly the routes the gateway serves: the committed route table equals the
 * one `tools/api-docs.ts` generates from the route definitions (run it to update the file).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_DOC, allApplicationRoutes, renderRouteTable, withRouteTable } from '../../tools/api-docs.js';

describe('docs/api.md route table', () => {
  const routes = allApplicationRoutes();
  const table = renderRouteTable(routes);

  it('is current: run `npx tsx tools/api-docs.ts` when this fails', () => {
    const committed = readFileSync(API_DOC, 'utf8');
    expect(withRouteTable(committed, table)).toBe(committed);
  });

  it('names every route, the queue, order, payment and history routes included', () => {
    for (const r of routes.filter((x) => !x.hidden)) expect(table).toContain(`| ${r.method} | \`${r.path}\` |`);
    for (const path of ['/api/v1/events/:eventId/queue/join', '/api/v1/orders', '/api/v1/payments/payos/webhook', '/api/v1/me/orders']) {
      expect(table).toContain(`\`${path}\``);
    }
  });
});
