/** Create an event (DRAFT); the creator becomes its admin. */
import { useMemo, useState } from 'preact/hooks';
import type { EventView } from '../../../contracts/kinds/index.js';
import { ApiError, api, newKey } from '../api.js';
import { t } from '../i18n/index.js';
import { RequireSignIn } from '../require-signin.js';
import { navigate } from '../router.js';

function NewEvent() {
  const [f, setF] = useState({ name: '', description: '', location: '', startsAt: '', endsAt: '', categories: '' });
  const [error, setError] = useState('');
  const key = useMemo(newKey, []);
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.currentTarget as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const ev = await api<EventView>('POST', '/api/v1/events', {
        key,
        body: {
          name: f.name,
          description: f.description,
          location: f.location,
          startsAt: Date.parse(f.startsAt),
          endsAt: Date.parse(f.endsAt),
          categories: f.categories
            .split(',')
            .map((c) => c.trim())
            .filter(Boolean),
        },
      });
      navigate(`/organizer/events/${ev.eventId}`);
    } catch (err) {
      setError(err instanceof ApiError ? `${err.message} (${err.code})` : String(err));
    }
  };
  return (
    <form class="stack" onSubmit={submit}>
      <label>
        {t('org.name')}
        <input required value={f.name} onInput={set('name')} />
      </label>
      <label>
        {t('org.description')}
        <textarea value={f.description} onInput={set('description')} />
      </label>
      <label>
        {t('org.location')}
        <input value={f.location} onInput={set('location')} />
      </label>
      <label>
        {t('org.startsAt')}
        <input type="datetime-local" required value={f.startsAt} onInput={set('startsAt')} />
      </label>
      <label>
        {t('org.endsAt')}
        <input type="datetime-local" required value={f.endsAt} onInput={set('endsAt')} />
      </label>
      <label>
        {t('org.categories')}
        <input value={f.categories} onInput={set('categories')} />
      </label>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <button type="submit">{t('org.create')}</button>
    </form>
  );
}

export default function OrganizerNew() {
  return (
    <RequireSignIn>
      <h1>{t('org.create')}</h1>
      <NewEvent />
    </RequireSignIn>
  );
}
