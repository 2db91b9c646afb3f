/**
 * One event for its staff: configure (sale window, visibility, waitroom and its checkout slots),
 * ticket classes (add, pause, resume, close), the workflow (approve, publish, cancel: only the
 * moves the caller may make now are offered) and staff roles. Every change is one REST call.
 */
import { useEffect, useState } from 'preact/hooks';
import type { EventAccess, EventView, TicketClassView } from '../../../contracts/kinds/index.js';
import { ApiError, api, formatMoney, newKey } from '../api.js';
import { locale, t } from '../i18n/index.js';
import { RequireSignIn } from '../require-signin.js';
import { Link } from '../router.js';
import { tt } from '../i18n/tickets.js';

const toLocalInput = (ms?: number) => (ms ? new Date(ms - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16) : '');

function Manage({ id }: { id: string }) {
  const [event, setEvent] = useState<EventView | undefined>();
  const [access, setAccess] = useState<EventAccess | undefined>();
  const [classes, setClasses] = useState<TicketClassView[]>([]);
  const [msg, setMsg] = useState('');
  const [cfg, setCfg] = useState({
    saleStart: '',
    saleEnd: '',
    isPublic: true,
    allowWaitRoom: true,
    maxConcurrent: 100,
    requiresApproval: true,
  });
  const [cls, setCls] = useState({ name: '', priceMinor: 100000, total: 100, maxPerOrder: 4 });
  const [role, setRole] = useState({ userId: '', role: 'viewer' });
  const load = async () => {
    const [e, a, c] = await Promise.all([
      api<EventView>('GET', `/api/v1/events/${id}`),
      api<EventAccess>('GET', `/api/v1/events/${id}/access`),
      api<{ items: TicketClassView[] }>('GET', `/api/v1/events/${id}/ticket-classes`),
    ]);
    setEvent(e);
    setAccess(a);
    setClasses(c.items);
    setCfg({
      saleStart: toLocalInput(e.config.ticketSaleStartDate),
      saleEnd: toLocalInput(e.config.ticketSaleEndDate),
      isPublic: e.config.isPublic,
      allowWaitRoom: e.config.allowWaitRoom,
      maxConcurrent: e.config.maxConcurrent,
      requiresApproval: e.config.requiresApproval,
    });
  };
  useEffect(() => {
    load().catch((e: Error) => setMsg(e.message));
  }, [id]);
  const act = (p: Promise<unknown>) =>
    p
      .then(() => {
        setMsg(t('org.done'));
        return load();
      })
      .catch((e: unknown) => setMsg(e instanceof ApiError ? `${e.message} (${e.code})` : String(e)));
  if (!event || !access) return msg ? <p role="alert">{msg}</p> : <p aria-busy="true">{t('common.loading')}</p>;
  const can = (p: string) => access.permissions.includes(p);
  return (
    <>
      <h1>{event.name}</h1>
      <p>
        {t('org.status')}: <strong data-testid="event-status">{event.status}</strong> · {t('org.role')}: {access.role ?? '—'}
      </p>
      <p role="status">{msg}</p>
      <p>
        <Link href={`/organizer/events/${id}/console`} class="button">
          {t('org.console')}
        </Link>{' '}
        <Link href={`/organizer/events/${id}/scan`} class="button">
          {tt('scan.link')}
        </Link>{' '}
        <Link href={`/events/${id}`}>{t('org.publicPage')}</Link>
      </p>
      <section aria-labelledby="wf-h">
        <h2 id="wf-h">{t('org.workflow')}</h2>
        {(['approve', 'publish', 'cancel'] as const).filter(can).map((v) => (
          <button
            type="button"
            key={v}
            onClick={() => act(api('POST', `/api/v1/events/${id}/${v}`, { key: newKey(), ...(v === 'cancel' ? { body: {} } : {}) }))}
          >
            {t(`org.${v}`)}
          </button>
        ))}
      </section>
      {can('configure') && (
        <form
          class="stack"
          aria-labelledby="cfg-h"
          onSubmit={(e) => {
            e.preventDefault();
            void act(
              api('PUT', `/api/v1/events/${id}/config`, {
                key: newKey(),
                body: {
                  isPublic: cfg.isPublic,
                  allowWaitRoom: cfg.allowWaitRoom,
                  maxConcurrent: cfg.maxConcurrent,
                  requiresApproval: cfg.requiresApproval,
                  ...(cfg.saleStart ? { ticketSaleStartDate: Date.parse(cfg.saleStart) } : {}),
                  ...(cfg.saleEnd ? { ticketSaleEndDate: Date.parse(cfg.saleEnd) } : {}),
                },
              }),
            );
          }}
        >
          <h2 id="cfg-h">{t('org.config')}</h2>
          <label>
            {t('org.saleStart')}
            <input type="datetime-local" value={cfg.saleStart} onInput={(e) => setCfg({ ...cfg, saleStart: e.currentTarget.value })} />
          </label>
          <label>
            {t('org.saleEnd')}
            <input type="datetime-local" value={cfg.saleEnd} onInput={(e) => setCfg({ ...cfg, saleEnd: e.currentTarget.value })} />
          </label>
          <label class="check">
            <input type="checkbox" checked={cfg.isPublic} onChange={(e) => setCfg({ ...cfg, isPublic: e.currentTarget.checked })} />
            {t('org.public')}
          </label>
          <label class="check">
            <input
              type="checkbox"
              checked={cfg.requiresApproval}
              onChange={(e) => setCfg({ ...cfg, requiresApproval: e.currentTarget.checked })}
            />
            {t('org.requiresApproval')}
          </label>
          <label class="check">
            <input
              type="checkbox"
              checked={cfg.allowWaitRoom}
              onChange={(e) => setCfg({ ...cfg, allowWaitRoom: e.currentTarget.checked })}
            />
            {t('org.waitroom')}
          </label>
          <label>
            {t('org.slots')}
            <input
              type="number"
              min={1}
              value={cfg.maxConcurrent}
              onInput={(e) => setCfg({ ...cfg, maxConcurrent: Number(e.currentTarget.value) })}
            />
          </label>
          <button type="submit">{t('org.save')}</button>
        </form>
      )}
      <section aria-labelledby="cls-h">
        <h2 id="cls-h">{t('event.classes')}</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('event.class')}</th>
              <th scope="col">{t('event.price')}</th>
              <th scope="col">{t('org.soldTotal')}</th>
              <th scope="col">{t('org.status')}</th>
              <th scope="col">{t('org.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {classes.map((c) => (
              <tr key={c.classId}>
                <td>{c.name}</td>
                <td>{formatMoney(c.priceMinor, c.currency, locale())}</td>
                <td>
                  {c.sold} / {c.total}
                </td>
                <td>{c.status}</td>
                <td>
                  {(['pause', 'resume', 'close'] as const).map((v) => (
                    <button
                      type="button"
                      class="small"
                      key={v}
                      onClick={() => act(api('POST', `/api/v1/ticket-classes/${c.classId}/${v}`, { key: newKey() }))}
                    >
                      {t(`org.class.${v}`)}
                    </button>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {can('addTicketClass') && (
          <form
            class="stack"
            onSubmit={(e) => {
              e.preventDefault();
              void act(api('POST', `/api/v1/events/${id}/ticket-classes`, { key: newKey(), body: { ...cls, currency: 'VND' } }));
            }}
          >
            <h3>{t('org.addClass')}</h3>
            <label>
              {t('org.name')}
              <input required value={cls.name} onInput={(e) => setCls({ ...cls, name: e.currentTarget.value })} />
            </label>
            <label>
              {t('org.priceMinor')}
              <input
                type="number"
                min={0}
                value={cls.priceMinor}
                onInput={(e) => setCls({ ...cls, priceMinor: Number(e.currentTarget.value) })}
              />
            </label>
            <label>
              {t('org.total')}
              <input type="number" min={1} value={cls.total} onInput={(e) => setCls({ ...cls, total: Number(e.currentTarget.value) })} />
            </label>
            <label>
              {t('org.maxPerOrder')}
              <input
                type="number"
                min={1}
                value={cls.maxPerOrder}
                onInput={(e) => setCls({ ...cls, maxPerOrder: Number(e.currentTarget.value) })}
              />
            </label>
            <button type="submit">{t('org.addClass')}</button>
          </form>
        )}
      </section>
      {can('manageRoles') && (
        <section aria-labelledby="staff-h">
          <h2 id="staff-h">{t('org.staff')}</h2>
          <ul>
            {Object.entries(event.roles ?? {}).map(([u, r]) => (
              <li key={u}>
                <code>{u}</code> · {r}{' '}
                <button
                  type="button"
                  class="small"
                  onClick={() => act(api('DELETE', `/api/v1/events/${id}/roles/${u}`, { key: newKey() }))}
                >
                  {t('org.remove')}
                </button>
              </li>
            ))}
          </ul>
          <form
            class="row"
            onSubmit={(e) => {
              e.preventDefault();
              void act(
                api('PUT', `/api/v1/events/${id}/roles/${encodeURIComponent(role.userId)}`, { key: newKey(), body: { role: role.role } }),
              );
            }}
          >
            <label>
              {t('org.userId')}
              <input required value={role.userId} onInput={(e) => setRole({ ...role, userId: e.currentTarget.value })} />
            </label>
            <label>
              {t('org.role')}
              <select value={role.role} onChange={(e) => setRole({ ...role, role: e.currentTarget.value })}>
                <option value="admin">admin</option>
                <option value="editor">editor</option>
                <option value="viewer">viewer</option>
              </select>
            </label>
            <button type="submit">{t('org.setRole')}</button>
          </form>
        </section>
      )}
    </>
  );
}

export default function OrganizerEvent({ params }: { params: Record<string, string> }) {
  return (
    <RequireSignIn>
      <Manage id={params['eventId']!} />
    </RequireSignIn>
  );
}
