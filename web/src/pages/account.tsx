/** My account: profile, display name, my orders. */
import { useEffect, useState } from 'preact/hooks';
import type { PublicUser } from '../../../accounts/schemas.js';
import { api, formatMoney, newKey } from '../api.js';
import { dateTime, locale, t } from '../i18n/index.js';
import { RequireSignIn } from '../require-signin.js';
import { Link } from '../router.js';
import { tt } from '../i18n/tickets.js';

interface OrderItem {
  orderId: string;
  code: string;
  status: string;
  totalMinor: number;
  currency: string;
  createdAt: number | string;
}

function Account() {
  const [me, setMe] = useState<PublicUser | undefined>();
  const [name, setName] = useState('');
  const [saved, setSaved] = useState('');
  const [orders, setOrders] = useState<OrderItem[]>([]);
  useEffect(() => {
    api<PublicUser>('GET', '/api/v1/me').then(
      (u) => {
        setMe(u);
        setName(u.displayName ?? '');
      },
      () => undefined,
    );
    api<{ items: OrderItem[] }>('GET', '/api/v1/me/orders').then(
      (r) => setOrders(r.items),
      () => undefined,
    );
  }, []);
  if (!me) return <p aria-busy="true">{t('common.loading')}</p>;
  return (
    <>
      <p>
        {t('account.email')}: {me.email}
      </p>
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void api('PATCH', '/api/v1/me', { key: newKey(), body: { displayName: name } }).then(
            () => setSaved(t('account.saved')),
            (err: Error) => setSaved(err.message),
          );
        }}
      >
        <label>
          {t('auth.name')}
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <button type="submit">{t('account.save')}</button>
        <p role="status">{saved}</p>
      </form>
      <p>
        <Link href="/tickets" class="button">
          {tt('tickets.link')}
        </Link>
      </p>
      <h2>{t('account.orders')}</h2>
      {orders.length === 0 ? (
        <p>{t('account.noOrders')}</p>
      ) : (
        <ul>
          {orders.map((o) => (
            <li key={o.orderId}>
              <Link href={`/orders/${o.orderId}`}>{o.code}</Link> · {t(`order.status.${o.status as 'PENDING'}`)} ·{' '}
              {formatMoney(o.totalMinor, o.currency, locale())} ·{' '}
              {dateTime(typeof o.createdAt === 'number' ? o.createdAt : Date.parse(o.createdAt))}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export default function AccountPage() {
  return (
    <RequireSignIn>
      <h1>{t('account.title')}</h1>
      <Account />
    </RequireSignIn>
  );
}
