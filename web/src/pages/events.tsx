/** The event list: full-text search, several categories at once, a date range, pages both ways. */
import { useEffect, useState } from 'preact/hooks';
import type { CatalogCategory, CatalogEventPage } from '../../../catalog/schemas.js';
import { api } from '../api.js';
import { dateTime, t } from '../i18n/index.js';
import { Link } from '../router.js';

interface Filters {
  q: string;
  categories: string[];
  from: string;
  to: string;
}

/** `YYYY-MM-DD` (a date input) → ms at the start (or the last ms) of that local day. */
const dayStart = (d: string) => new Date(`${d}T00:00:00`).getTime();
const dayEnd = (d: string) => new Date(`${d}T23:59:59.999`).getTime();

export default function Events() {
  const [draft, setDraft] = useState<Filters>({ q: '', categories: [], from: '', to: '' });
  const [filters, setFilters] = useState<Filters>(draft);
  const [cursor, setCursor] = useState<string | undefined>();
  const [page, setPage] = useState<CatalogEventPage | undefined>();
  const [cats, setCats] = useState<CatalogCategory[]>([]);
  const [error, setError] = useState('');

  useEffect(() => {
    api<{ items: CatalogCategory[] }>('GET', '/api/v1/categories').then(
      (r) => setCats(r.items),
      () => undefined,
    );
  }, []);
  useEffect(() => {
    const qs = new URLSearchParams();
    if (filters.q) qs.set('q', filters.q);
    if (filters.categories.length) qs.set('categories', filters.categories.join(','));
    if (filters.from) qs.set('from', String(dayStart(filters.from)));
    if (filters.to) qs.set('to', String(dayEnd(filters.to)));
    if (cursor) qs.set('cursor', cursor);
    setError('');
    api<CatalogEventPage>('GET', `/api/v1/events?${qs}`).then(setPage, (e: Error) => setError(e.message));
  }, [filters, cursor]);

  const toggle = (c: string) =>
    setDraft((d) => ({ ...d, categories: d.categories.includes(c) ? d.categories.filter((x) => x !== c) : [...d.categories, c] }));
  return (
    <>
      <h1>{t('events.title')}</h1>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setCursor(undefined);
          setFilters(draft);
        }}
      >
        <label>
          {t('events.search')}
          <input type="search" name="q" value={draft.q} onInput={(e) => setDraft({ ...draft, q: e.currentTarget.value })} />
        </label>
        {cats.length > 0 && (
          <fieldset>
            <legend>{t('events.categories')}</legend>
            {cats.map((c) => (
              <label class="check" key={c.category}>
                <input type="checkbox" checked={draft.categories.includes(c.category)} onChange={() => toggle(c.category)} />
                {c.category} ({c.count})
              </label>
            ))}
          </fieldset>
        )}
        <label>
          {t('events.from')}
          <input type="date" value={draft.from} onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })} />
        </label>
        <label>
          {t('events.to')}
          <input type="date" value={draft.to} onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })} />
        </label>
        <button type="submit">{t('events.apply')}</button>
      </form>
      {error && <p role="alert">{error}</p>}
      {page &&
        (page.items.length === 0 ? (
          <p>{t('events.none')}</p>
        ) : (
          <ul class="cards">
            {page.items.map((e) => (
              <li key={e.eventId} class="card">
                <h2>
                  <Link href={`/events/${e.eventId}`}>{e.name}</Link>
                </h2>
                <p>
                  {dateTime(e.startsAt)} · {e.location}
                </p>
                <p class="muted">{e.categories.join(', ')}</p>
              </li>
            ))}
          </ul>
        ))}
      <nav class="pager" aria-label={t('events.pages')}>
        <button type="button" disabled={!page?.prevCursor} onClick={() => setCursor(page?.prevCursor ?? undefined)}>
          {t('events.prev')}
        </button>
        <button type="button" disabled={!page?.nextCursor} onClick={() => setCursor(page?.nextCursor ?? undefined)}>
          {t('events.next')}
        </button>
      </nav>
    </>
  );
}
