import { describe, expect, it } from 'vitest';
import { parseOrderView } from './decode.js';

describe('order history - decode', () => {
  const view = {
    orderId: 'ord_1',
    code: '123456789012',
    userId: 'u1',
    eventId: 'ev_1',
    status: 'RESERVING',
    totalMinor: 0,
    currency: '',
    createdAt: 1,
    updatedAt: 1,
    lines: [{ classId: 'tc_1', quantity: 2, unitPriceMinor: 0, currency: '', state: 'pending', attempt: 0 }],
  };

  it('accepts an order as the actor emits it at creation, before any line is priced (currency still empty)', () => {
    expect(parseOrderView(view)).toMatchObject({ orderId: 'ord_1', currency: '', lines: [{ classId: 'tc_1', quantity: 2 }] });
  });

  it('refuses a view without its identity or lines', () => {
    expect(parseOrderView({ ...view, orderId: '' })).toBeUndefined();
    expect(parseOrderView({ ...view, lines: 'x' })).toBeUndefined();
    expect(parseOrderView(null)).toBeUndefined();
  });
});
