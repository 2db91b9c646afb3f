/**
 * Choosing tickets and paying: quantities bounded by each class's per-order cap and what is
 * left, one order (one idempotency key per attempt, so a double click is one order), then the
 * payment page of the configured provider (the sandbox page in development).
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { OrderView, TicketClassView } from '../../contracts/kinds/index.js';
import { ApiError, api, formatMoney, newKey } from './api.js';
import { locale, t } from './i18n/index.js';

export function Checkout({ eventId, checkoutToken }: { eventId: string; checkoutToken?: string }) {
  const [classes, setClasses] = useState<
    Array<Pick<TicketClassView, 'classId' | 'name' | 'priceMinor' | 'currency' | 'available' | 'status' | 'maxPerOrder'>>
  >([]);
  const [qty, setQty] = useState<Record<string, number>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const key = useMemo(newKey, []);
  useEffect(() => {
    api<{ items: Array<Pick<TicketClassView, 'classId' | 'name' | 'priceMinor' | 'currency' | 'available' | 'status' | 'maxPerOrder'>> }>(
      'GET',
      `/api/v1/events/${eventId}/ticket-classes`,
    ).then(
      (r) => setClasses(r.items),
      (e: Error) => setError(e.message),
    );
  }, [eventId]);
  const lines = Object.entries(qty)
    .filter(([, n]) => n > 0)
    .map(([classId, quantity]) => ({ classId, quantity }));
  const total = classes.reduce((s, c) => s + (qty[c.classId] ?? 0) * c.priceMinor, 0);
  const pay = async (e: Event) => {
    e.preventDefault();
    if (lines.length === 0) {
      setError(t('checkout.pickOne'));
      return;
    }
    setBusy(true);
    setError('');
    try {
      const order = await api<OrderView>('POST', '/api/v1/orders', {
        key,
        body: { eventId, lines, ...(checkoutToken ? { checkoutToken } : {}) },
      });
      if (order.payment?.paymentUrl) location.assign(order.payment.paymentUrl);
      else location.assign(`/orders/${order.orderId}`);
    } catch (err) {
      setError(err instanceof ApiError ? t('checkout.failed', { message: err.message, code: err.code }) : String(err));
      setBusy(false);
    }
  };
  return (
    <form class="checkout" onSubmit={pay} aria-labelledby="checkout-h">
      <h2 id="checkout-h">{t('checkout.title')}</h2>
      {classes
        .filter((c) => c.status === 'active')
        .map((c) => {
          const max = Math.max(0, Math.min(c.maxPerOrder, c.available));
          return (
            <div class="qty" key={c.classId}>
              <label for={`q-${c.classId}`}>
                {c.name} · {formatMoney(c.priceMinor, c.currency, locale())}
                <span class="muted"> {t('checkout.limit', { max })}</span>
              </label>
              <input
                id={`q-${c.classId}`}
                type="number"
                inputMode="numeric"
                min={0}
                max={max}
                step={1}
                value={qty[c.classId] ?? 0}
                disabled={max === 0}
                onInput={(e) => setQty({ ...qty, [c.classId]: Math.max(0, Math.min(max, Math.floor(Number(e.currentTarget.value) || 0))) })}
              />
            </div>
          );
        })}
      <p>
        {t('checkout.total')}: <strong>{formatMoney(total, classes[0]?.currency ?? 'VND', locale())}</strong>
      </p>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? t('checkout.paying') : t('checkout.pay')}
      </button>
    </form>
  );
}
