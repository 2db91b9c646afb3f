/** The organizer's events (any status), from the catalog's "my events". */
import { useEffect, useState } from 'preact/hooks';
import type { CatalogEventPage } from '../../../catalog/schemas.js';
import { api } from '../api.js';
import { dateTime, t } from '../i18n/index.js';
import { RequireSignIn } from '../require-signin.js';
import { Link } from '../router.js';

function Mine() {
  const [page, setPage] = useState<CatalogEventPage | undefined>();
  useEffect(() => {
    api<CatalogEventPage>('GET', '/api/v1/me/events').then(setPage, () => undefined);
  }, []);
  return (
    <>
      <p>
        <Link href="/organizer/new" class="button">
          {t('org.create')}
        </Link>
      </p>
      {page &&
        (page.items.length === 0 ? (
          <p>{t('org.none')}</p>
        ) : (
          <ul>
            {page.items.map((e) => (
              <li key={e.eventId}>
                <Link href={`/organizer/events/${e.eventId}`}>{e.name}</Link> · {e.status} · {dateTime(e.startsAt)}
              </li>
            ))}
          </ul>
        ))}
    </>
  );
}

export default function OrganizerEvents() {
  return (
    <RequireSignIn>
      <h1>{t('org.title')}</h1>
      <Mine />
    </RequireSignIn>
  );
}
