/** The order page (the payment return URL): the order's status, live until it settles. */
import { useEffect, useState } from 'preact/hooks';
import type { OrderView } from '../../../contracts/kinds/index.js';
import { api, formatMoney } from '../api.js';
import { locale, t } from '../i18n/index.js';
import { RequireSignIn } from '../require-signin.js';
import { tt } from '../i18n/tickets.js';
import { Link } from '../router.js';

const SETTLED = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

function OrderStatus({ id }: { id: string }) {
  const [order, setOrder] = useState<OrderView | undefined>();
  const [error, setError] = useState('');
  const [names, setNames] = useState<Record<string, string>>({});
  useEffect(() => {
    if (!order) return;
    api<{ items: Array<{ classId: string; name: string }> }>('GET', `/api/v1/events/${order.eventId}/ticket-classes`).then(
      (r) => setNames(Object.fromEntries(r.items.map((c) => [c.classId, c.name]))),
      () => undefined,
    );
  }, [order?.eventId]);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = true;
    const load = () =>
      api<OrderView>('GET', `/api/v1/orders/${id}`).then(
        (o) => {
          if (!live) return;
          setOrder(o);
          if (!SETTLED.has(o.status)) timer = setTimeout(load, 1000);
        },
        (e: Error) => {
          if (live) {
            setError(e.message);
            timer = setTimeout(load, 3000);
          }
        },
      );
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [id]);
  if (!order) return error ? <p role="alert">{error}</p> : <p aria-busy="true">{t('common.loading')}</p>;
  return (
    <>
      <p class={`status status-${order.status.toLowerCase()}`} role="status" aria-live="polite" data-status={order.status}>
        {t(`order.status.${order.status}`)}
      </p>
      <dl>
        <dt>{t('order.code')}</dt>
        <dd>{order.code}</dd>
        <dt>{t('order.total')}</dt>
        <dd>{formatMoney(order.totalMinor, order.currency, locale())}</dd>
        {order.payment && (
          <>
            <dt>{t('order.payment')}</dt>
            <dd>
              {order.payment.provider} · {order.payment.status}
            </dd>
          </>
        )}
        {order.failureReason && (
          <>
            <dt>{t('order.reason')}</dt>
            <dd>{order.failureReason}</dd>
          </>
        )}
      </dl>
      <table>
        <caption>{t('order.lines')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('event.class')}</th>
            <th scope="col">{t('order.quantity')}</th>
            <th scope="col">{t('order.state')}</th>
          </tr>
        </thead>
        <tbody>
          {order.lines.map((l) => (
            <tr key={l.classId}>
              <td>{names[l.classId] ?? l.classId}</td>
              <td>{l.quantity}</td>
              <td>{l.state}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {order.status === 'COMPLETED' && (
        <p>
          <Link href={`/tickets?order=${encodeURIComponent(order.orderId)}`} class="button">
            {tt('tickets.orderLink')}
          </Link>
        </p>
      )}
      {order.status === 'PENDING' && order.payment?.paymentUrl && (
        <p>
          <a class="button" href={order.payment.paymentUrl}>
            {t('order.payNow')}
          </a>
        </p>
      )}
    </>
  );
}

export default function OrderPage({ params }: { params: Record<string, string> }) {
  return (
    <RequireSignIn>
      <h1>{t('order.title')}</h1>
      <OrderStatus id={params['orderId']!} />
    </RequireSignIn>
  );
}
