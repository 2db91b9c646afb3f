/** An event page: details, ticket classes with live availability (refreshed every few seconds), the way in. */
import { useEffect, useState } from 'preact/hooks';
import type { EventView, TicketClassView } from '../../../contracts/kinds/index.js';

/** What everyone sees of a class (staff also get `total`, `sold`, `reserved`). */
type PublicClass = Pick<TicketClassView, 'classId' | 'name' | 'priceMinor' | 'currency' | 'available' | 'status' | 'maxPerOrder'> & {
  total?: number;
};
import { api, formatMoney } from '../api.js';
import { dateTime, locale, t } from '../i18n/index.js';
import { Link } from '../router.js';
import { getSession } from '../session.js';

export default function EventPage({ params }: { params: Record<string, string> }) {
  const id = params['eventId']!;
  const [event, setEvent] = useState<EventView | undefined>();
  const [classes, setClasses] = useState<PublicClass[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    api<EventView>('GET', `/api/v1/events/${id}`).then(setEvent, (e: Error) => setError(e.message));
    const load = () =>
      api<{ items: PublicClass[] }>('GET', `/api/v1/events/${id}/ticket-classes`).then(
        (r) => setClasses(r.items),
        () => undefined,
      );
    void load();
    const timer = setInterval(load, 3000);
    return () => clearInterval(timer);
  }, [id]);
  if (error) return <p role="alert">{error}</p>;
  if (!event) return <p aria-busy="true">{t('common.loading')}</p>;
  const next = event.config.allowWaitRoom ? `/events/${id}/queue` : `/events/${id}/checkout`;
  const soldOut = classes.length > 0 && classes.every((c) => c.available === 0 || c.status !== 'active');
  return (
    <>
      <h1>{event.name}</h1>
      <p>
        {dateTime(event.startsAt)} – {dateTime(event.endsAt)} · {event.location}
      </p>
      {event.description && <p>{event.description}</p>}
      <h2>{t('event.classes')}</h2>
      <table>
        <caption class="sr-only">{t('event.classes')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('event.class')}</th>
            <th scope="col">{t('event.price')}</th>
            <th scope="col">{t('event.available')}</th>
          </tr>
        </thead>
        <tbody aria-live="polite">
          {classes.map((c) => (
            <tr key={c.classId}>
              <td>{c.name}</td>
              <td>{formatMoney(c.priceMinor, c.currency, locale())}</td>
              <td>
                {c.status === 'active'
                  ? c.available > 0
                    ? c.total !== undefined
                      ? t('event.left', { n: c.available, total: c.total })
                      : t('event.leftN', { n: c.available })
                    : t('event.soldOut')
                  : t(`class.${c.status}`)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {soldOut ? (
        <p role="status" class="warn">
          {t('event.soldOutAll')}
        </p>
      ) : (
        <p>
          {getSession() ? (
            <Link href={next} class="button">
              {event.config.allowWaitRoom ? t('event.joinQueue') : t('event.buy')}
            </Link>
          ) : (
            <Link href={`/signin?next=${encodeURIComponent(next)}`} class="button">
              {t('event.signinToBuy')}
            </Link>
          )}
        </p>
      )}
      {event.config.allowWaitRoom && <p class="muted">{t('event.queueNote')}</p>}
    </>
  );
}
