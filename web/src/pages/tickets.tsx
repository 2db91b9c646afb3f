/**
 * My tickets: each ticket with its QR code, status, PDF and transfer. The QR is drawn in the
 * browser (`qrcode`, the library the server uses) from the signed code the owner's detail gives;
 * for events with rotating codes the page derives the live code from the per-ticket secret
 * (web/src/ticket-codes.ts, the server's derivation) and redraws it at every period boundary, so
 * what the door sees is never older than one period. Nothing secret goes in a URL: the PDF is
 * fetched with the Authorization header and saved from a blob.
 */
import QRCode from 'qrcode';
import { useEffect, useState } from 'preact/hooks';
import type { EventView, TicketClassView } from '../../../contracts/kinds/index.js';
import type { TicketDetail, TicketView } from '../../../tickets/types.js';
import { ApiError, api, formatMoney, newKey } from '../api.js';
import { dateTime, locale, t, useLang } from '../i18n/index.js';
import { tt } from '../i18n/tickets.js';
import { RequireSignIn } from '../require-signin.js';
import { Link } from '../router.js';
import { getSession } from '../session.js';
import { getAuthed } from '../download.js';
import { rotatingCodeAt, stepOf } from '../ticket-codes.js';
import '../tickets.css';

const QR_OPTS = { errorCorrectionLevel: 'M' as const, margin: 2, width: 280, type: 'svg' as const };

/** The live code of a ticket: static, or re-derived every period for rotating events. */
function useLiveCode(detail: TicketDetail | undefined): { code: string; step?: number } | undefined {
  const [live, setLive] = useState<{ code: string; step?: number } | undefined>();
  useEffect(() => {
    if (!detail) return;
    const rot = detail.rotating;
    if (!rot) {
      setLive({ code: detail.code });
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    let alive = true;
    const tick = async () => {
      const now = Date.now();
      const step = stepOf(now, rot.periodSeconds);
      const code = await rotatingCodeAt(detail.code, rot.secret, step);
      if (!alive) return;
      setLive({ code, step });
      // Redraw just after the next period boundary.
      timer = setTimeout(() => void tick(), (step + 1) * rot.periodSeconds * 1000 - Date.now() + 50);
    };
    void tick();
    // A phone wakes from sleep with stale timers: redraw at once when the page is seen again.
    const onVisible = () => {
      if (document.visibilityState === 'visible') {
        clearTimeout(timer);
        void tick();
      }
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      alive = false;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [detail?.ticketId, detail?.code, detail?.rotating?.secret]);
  return live;
}

function Qr({ ticketId, live }: { ticketId: string; live: { code: string; step?: number } }) {
  const [src, setSrc] = useState('');
  useEffect(() => {
    let alive = true;
    QRCode.toString(live.code, QR_OPTS).then(
      (svg) => {
        if (alive) setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
      },
      () => undefined,
    );
    return () => {
      alive = false;
    };
  }, [live.code]);
  if (!src) return <p aria-busy="true">{t('common.loading')}</p>;
  return (
    <img
      class="qr"
      src={src}
      width={280}
      height={280}
      alt={tt('tickets.qrAlt', { id: ticketId })}
      data-testid="ticket-qr"
      data-code={live.code}
      data-step={live.step === undefined ? undefined : String(live.step)}
    />
  );
}

function statusLine(tk: TicketView): string {
  if (tk.status === 'checkedIn' && tk.checkedIn)
    return tt('tickets.checkedInAt', { at: dateTime(tk.checkedIn.at), gate: tk.checkedIn.gate });
  if (tk.status === 'voided') return tt('tickets.voidReason', { reason: tk.voidReason ?? '' });
  if (tk.status === 'transferred') return tt('tickets.transferredTo');
  return tt(`tickets.status.${tk.status}`);
}

async function downloadPdf(ticketId: string): Promise<void> {
  const blob = await getAuthed(`/api/v1/me/tickets/${encodeURIComponent(ticketId)}/ticket.pdf`);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${ticketId}.pdf`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function TicketCard({
  tk,
  eventName,
  className,
  onChanged,
}: {
  tk: TicketView;
  eventName?: string;
  className?: string;
  onChanged: () => void;
}) {
  const [detail, setDetail] = useState<TicketDetail | undefined>();
  const [msg, setMsg] = useState('');
  const [to, setTo] = useState('');
  const valid = tk.status === 'valid';
  useEffect(() => {
    if (!valid) return;
    // A busy gateway or a lost connection is retried (every 2 s, up to a minute); a 4xx is said at once.
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = (tries: number) =>
      api<TicketDetail>('GET', `/api/v1/me/tickets/${encodeURIComponent(tk.ticketId)}`).then(
        (d) => {
          if (alive) {
            setDetail(d);
            setMsg('');
          }
        },
        (e: Error) => {
          if (!alive) return;
          setMsg(e instanceof ApiError ? tt('tickets.failed', { message: e.message, code: e.code }) : e.message);
          if ((!(e instanceof ApiError) || e.status >= 500) && tries < 30) timer = setTimeout(() => void load(tries + 1), 2000);
        },
      );
    void load(0);
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [tk.ticketId, valid]);
  const live = useLiveCode(valid ? detail : undefined);
  const headId = `tk-${tk.ticketId}`;
  return (
    <li class="card ticket" aria-labelledby={headId} data-ticket={tk.ticketId} data-status={tk.status}>
      <h2 id={headId}>
        {eventName ?? tk.eventId} · {tt('tickets.ticket', { n: tk.seatNo })}
      </h2>
      <p class={`ticket-status ticket-${tk.status}`} data-testid="ticket-status">
        {statusLine(tk)}
      </p>
      {valid && live && <Qr ticketId={tk.ticketId} live={live} />}
      {valid && detail && (
        <p class="muted">{detail.rotating ? tt('tickets.rotating', { s: detail.rotating.periodSeconds }) : tt('tickets.staticNote')}</p>
      )}
      <dl class="stats">
        <dt>{tt('tickets.class')}</dt>
        <dd>{className ?? tk.classId}</dd>
        <dt>{tt('tickets.price')}</dt>
        <dd>{formatMoney(tk.priceMinor, tk.currency, locale())}</dd>
        <dt>{tt('tickets.order')}</dt>
        <dd>
          <Link href={`/orders/${tk.orderId}`}>{tk.orderId}</Link>
        </dd>
      </dl>
      {valid && (
        <p>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setMsg('');
              downloadPdf(tk.ticketId).catch((e: Error) => setMsg(tt('tickets.pdfFailed', { message: e.message })));
            }}
          >
            {tt('tickets.pdf')}
          </button>
        </p>
      )}
      {valid && (
        <details>
          <summary>{tt('tickets.transfer')}</summary>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              setMsg('');
              api('POST', `/api/v1/me/tickets/${encodeURIComponent(tk.ticketId)}/transfer`, {
                key: newKey(),
                body: { toUserId: to.trim() },
              }).then(
                () => {
                  setMsg(tt('tickets.transferred'));
                  onChanged();
                },
                (err: Error) =>
                  setMsg(err instanceof ApiError ? tt('tickets.failed', { message: err.message, code: err.code }) : err.message),
              );
            }}
          >
            <p class="muted">{tt('tickets.transferHint')}</p>
            <label>
              {tt('tickets.transferTo')}
              <input
                value={to}
                required
                maxLength={64}
                pattern="[A-Za-z0-9][A-Za-z0-9_\-]*"
                onInput={(e) => setTo(e.currentTarget.value)}
              />
            </label>
            <button type="submit">{tt('tickets.transferDo')}</button>
          </form>
        </details>
      )}
      <p role="status">{msg}</p>
    </li>
  );
}

function MyTickets() {
  useLang();
  const [tickets, setTickets] = useState<TicketView[] | undefined>();
  const [error, setError] = useState('');
  const [events, setEvents] = useState<Record<string, string>>({});
  const [classes, setClasses] = useState<Record<string, string>>({});
  const [rev, setRev] = useState(0);
  useEffect(() => {
    // Tickets are issued a few seconds after an order completes: coming from an order (`?order=`),
    // or with none yet, look again every 2 s for a minute.
    const order = new URLSearchParams(location.search).get('order');
    let timer: ReturnType<typeof setTimeout> | undefined;
    let alive = true;
    const load = (tries: number) =>
      api<{ tickets: TicketView[] }>('GET', '/api/v1/me/tickets').then(
        (r) => {
          if (!alive) return;
          setTickets(r.tickets);
          const waiting = r.tickets.length === 0 || (order !== null && !r.tickets.some((x) => x.orderId === order));
          if (waiting && tries < 30) timer = setTimeout(() => void load(tries + 1), 2000);
        },
        (e: Error) => {
          if (alive) setError(e.message);
        },
      );
    void load(0);
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [rev]);
  const eventIds = [...new Set((tickets ?? []).map((x) => x.eventId))].sort().join(',');
  useEffect(() => {
    for (const id of eventIds ? eventIds.split(',') : []) {
      api<EventView>('GET', `/api/v1/events/${id}`).then(
        (ev) => setEvents((m) => ({ ...m, [id]: ev.name })),
        () => undefined,
      );
      api<{ items: TicketClassView[] }>('GET', `/api/v1/events/${id}/ticket-classes`).then(
        (r) => setClasses((m) => ({ ...m, ...Object.fromEntries(r.items.map((c) => [c.classId, c.name])) })),
        () => undefined,
      );
    }
  }, [eventIds]);
  if (!tickets) return error ? <p role="alert">{error}</p> : <p aria-busy="true">{t('common.loading')}</p>;
  return (
    <>
      {tickets.length === 0 ? (
        <p>{tt('tickets.none')}</p>
      ) : (
        <ul class="cards tickets">
          {tickets.map((tk) => (
            <TicketCard
              key={tk.ticketId}
              tk={tk}
              eventName={events[tk.eventId]}
              className={classes[tk.classId]}
              onChanged={() => setRev((n) => n + 1)}
            />
          ))}
        </ul>
      )}
      <p class="muted">
        {tt('tickets.myId')} <code>{getSession()?.userId}</code>
      </p>
    </>
  );
}

export default function TicketsPage() {
  return (
    <RequireSignIn>
      <h1>{tt('tickets.title')}</h1>
      <MyTickets />
    </RequireSignIn>
  );
}
