/**
 * The waiting room. One WebSocket (queue-socket.ts) streams the buyer's exact status and the
 * "now serving" cursor; the page derives people ahead from its own position and the highest
 * cursor seen, and never shows a larger number than before (a correction never moves anyone
 * back). The estimated wait is the server's (expected time until this buyer is called,
 * docs/waitroom.md), counted down between statuses; while nobody is ahead it never rises (the
 * server guarantees it, and the page keeps the smaller of the two). Reloads, dropped
 * networks and background tabs reconnect to the same session. On admission the checkout token
 * is kept in sessionStorage (this tab only, never a URL) with a visible countdown of the slot.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { QueueFrame } from '../../../gateway/ws/types.js';
import { api } from '../api.js';
import { Checkout } from '../checkout.js';
import { duration, t } from '../i18n/index.js';
import { openQueueSocket, type QueueSocket } from '../queue-socket.js';
import { RequireSignIn } from '../require-signin.js';

type Status = Extract<QueueFrame, { t: 'status' }>;

interface View {
  state?: string;
  phase?: string;
  position?: number;
  cursor: number;
  ahead?: number;
  rate: number;
  /** When the server expects this buyer to be called (ms, this page's clock): the last status's `estimatedWaitSec` from its arrival. */
  etaAt?: number;
  soldOut: boolean;
  likelySoldOut: boolean;
  seedHash?: string;
  seed?: string;
  preQueueSize?: number;
  opensAt?: number;
  ticket?: number;
  outcome?: string;
}

interface Grant {
  token: string;
  expiresAt: number;
}
const grantKey = (id: string) => `tb.checkout.${id}`;
const firstAheadKey = (id: string) => `tb.firstAhead.${id}`;

function readGrant(id: string): Grant | undefined {
  try {
    const g = JSON.parse(sessionStorage.getItem(grantKey(id)) ?? 'null') as Grant | null;
    return g && g.expiresAt > Date.now() ? g : undefined;
  } catch {
    return undefined;
  }
}

const toMs = (v: number | string | undefined): number => (typeof v === 'number' ? v : v ? Date.parse(v) : 0);

/** SHA-256 of the revealed seed's bytes equals the hash published before the sale. */
async function seedMatches(seed: string, hash: string): Promise<boolean> {
  const bytes = new Uint8Array(seed.match(/../g)!.map((h) => parseInt(h, 16)));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('') === hash;
}

function Countdown({ until, label }: { until: number; label: string }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const i = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(i);
  }, []);
  const left = Math.max(0, Math.round((until - now) / 1000));
  return (
    <p class="countdown" role="timer" aria-live="off">
      <span>{label}</span> <strong>{left > 0 ? duration(left) : t('queue.slotOver')}</strong>
    </p>
  );
}

function Room({ eventId }: { eventId: string }) {
  const [view, setView] = useState<View>({ cursor: 0, rate: 0, soldOut: false, likelySoldOut: false });
  const [link, setLink] = useState<'connecting' | 'connected' | 'reconnecting'>('connecting');
  const [grant, setGrant] = useState<Grant | undefined>(() => readGrant(eventId));
  const [seedOk, setSeedOk] = useState<boolean | undefined>();
  const [error, setError] = useState('');
  const sock = useRef<QueueSocket | undefined>(undefined);
  const [reconnectKey, setReconnectKey] = useState(0);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const i = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(i);
  }, []);

  useEffect(() => {
    if (grant) return;
    const apply = (f: QueueFrame) => {
      if (f.t === 'status') {
        const s = f as Status;
        if (s.token && s.state === 'admitted') admit({ token: s.token, expiresAt: toMs(s.tokenExpiresAt) });
        setView((v) => {
          const ahead =
            s.ahead === undefined ? undefined : v.ahead === undefined || s.state !== v.state ? s.ahead : Math.min(v.ahead, s.ahead);
          const at = s.estimatedWaitSec === undefined ? undefined : Date.now() + s.estimatedWaitSec * 1000;
          // Next in line both times: keep the earlier of the two expected times (it never rises).
          const etaAt =
            at !== undefined && v.etaAt !== undefined && ahead === 0 && v.ahead === 0 && s.state === v.state ? Math.min(at, v.etaAt) : at;
          if (ahead !== undefined && sessionStorage.getItem(firstAheadKey(eventId)) === null)
            sessionStorage.setItem(firstAheadKey(eventId), String(Math.max(1, ahead)));
          return {
            ...v,
            state: s.state,
            phase: s['phase'] as string | undefined,
            position: s.position,
            cursor: Math.max(v.cursor, s.cursor ?? 0),
            ahead,
            rate: Number(s['admittedRate'] ?? s.rate ?? v.rate),
            etaAt,
            soldOut: !!s.soldOut,
            likelySoldOut: !!s.likelySoldOut,
            seedHash: s['seedHash'] as string | undefined,
            seed: s['seed'] as string | undefined,
            preQueueSize: s['preQueueSize'] as number | undefined,
            opensAt: s['opensAt'] as number | undefined,
            ticket: s.ticket,
            outcome: s['outcome'] as string | undefined,
          };
        });
      } else if (f.t === 'cursor') {
        setView((v) => {
          const cursor = Math.max(v.cursor, f.cursor);
          const derived = v.position === undefined ? v.ahead : Math.max(0, v.position - cursor - 1);
          const ahead = derived === undefined ? v.ahead : v.ahead === undefined ? derived : Math.min(v.ahead, derived);
          return { ...v, cursor, rate: f.rate, ahead };
        });
      } else if (f.t === 'admitted') admit({ token: f.token, expiresAt: toMs(f.expiresAt) });
      else if (f.t === 'soldOut') setView((v) => ({ ...v, soldOut: true }));
      else if (f.t === 'resumed') setView((v) => ({ ...v, soldOut: false }));
      else if (f.t === 'error') setError(`${f.message} (${f.code})`);
    };
    const admit = (g: Grant) => {
      sessionStorage.setItem(grantKey(eventId), JSON.stringify(g));
      setGrant(g);
    };
    sock.current = openQueueSocket(eventId, { frame: apply, link: (s) => setLink(s) });
    return () => sock.current?.close();
  }, [eventId, grant === undefined, reconnectKey]);

  useEffect(() => {
    if (view.seed && view.seedHash) void seedMatches(view.seed, view.seedHash).then(setSeedOk);
  }, [view.seed, view.seedHash]);

  if (grant) {
    return (
      <>
        <div role="status">
          <h2>{t('queue.admitted')}</h2>
        </div>
        <Countdown until={grant.expiresAt} label={t('queue.slotLeft')} />
        <Checkout eventId={eventId} checkoutToken={grant.token} />
      </>
    );
  }
  const etaSec = view.etaAt === undefined ? undefined : Math.max(0, Math.ceil((view.etaAt - now) / 1000));
  const first = Number(sessionStorage.getItem(firstAheadKey(eventId)) ?? 0);
  const progress =
    first > 0 && view.ahead !== undefined ? Math.min(100, Math.round(((first - Math.min(first, view.ahead)) / first) * 100)) : 0;
  const left = view.state === 'left' || view.outcome === 'left';
  return (
    <>
      {view.soldOut ? (
        <p role="alert" class="warn">
          {t('queue.soldOut')}
        </p>
      ) : (
        view.likelySoldOut && (
          <p role="alert" class="warn">
            {t('queue.likelySoldOut')}
          </p>
        )
      )}
      <p class="link" aria-live="polite" data-link={link}>
        {t(`queue.link.${link}`)}
      </p>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {view.phase === 'preQueue' ? (
        <section aria-labelledby="pre-h">
          <h2 id="pre-h">{t('queue.preTitle')}</h2>
          <p>{t('queue.preExplain')}</p>
          {view.opensAt && <Countdown until={view.opensAt} label={t('queue.opensIn')} />}
        </section>
      ) : left ? (
        <section>
          <h2>{t('queue.leftTitle')}</h2>
          <button
            type="button"
            onClick={() =>
              api('POST', `/api/v1/events/${eventId}/queue/join`).then(
                () => setReconnectKey((k) => k + 1),
                (e: Error) => setError(e.message),
              )
            }
          >
            {t('queue.rejoin')}
          </button>
        </section>
      ) : (
        <section aria-labelledby="place-h">
          <h2 id="place-h">{t('queue.yourPlace')}</h2>
          <dl class="big">
            <dt>{t('queue.position')}</dt>
            <dd data-testid="position">{view.position ?? '…'}</dd>
            <dt>{t('queue.ahead')}</dt>
            <dd data-testid="ahead">{view.ahead ?? '…'}</dd>
            <dt>{t('queue.nowServing')}</dt>
            <dd data-testid="cursor">{view.cursor}</dd>
            <dt>{t('queue.eta')}</dt>
            <dd data-testid="eta" data-sec={etaSec}>
              {etaSec === undefined ? t('queue.etaUnknown') : etaSec === 0 && view.ahead === 0 ? t('queue.anyMoment') : duration(etaSec)}
            </dd>
          </dl>
          <p class="muted">{t('queue.etaMeans')}</p>
          <label for="progress">{t('queue.progress')}</label>
          <progress id="progress" max={100} value={progress}>
            {progress}%
          </progress>
          <p class="muted">{t('queue.keepOpen')}</p>
        </section>
      )}
      {view.seedHash && (
        <details class="fairness">
          <summary>{t('queue.fairTitle')}</summary>
          <p>{t('queue.fairExplain', { n: view.preQueueSize ?? 0 })}</p>
          <p>
            {t('queue.seedHash')}: <code class="wrap">{view.seedHash}</code>
          </p>
          {view.seed ? (
            <p>
              {t('queue.seed')}: <code class="wrap">{view.seed}</code> —{' '}
              {seedOk === undefined ? '…' : seedOk ? t('queue.seedOk') : t('queue.seedBad')}
            </p>
          ) : (
            <p>{t('queue.seedLater')}</p>
          )}
        </details>
      )}
      {!left && view.state === 'queued' && (
        <p>
          <button
            type="button"
            class="secondary"
            onClick={() =>
              api('POST', `/api/v1/events/${eventId}/queue/leave`).then(
                () => setView((v) => ({ ...v, state: 'left' })),
                (e: Error) => setError(e.message),
              )
            }
          >
            {t('queue.leave')}
          </button>
        </p>
      )}
    </>
  );
}

export default function Waitroom({ params }: { params: Record<string, string> }) {
  return (
    <RequireSignIn>
      <h1>{t('queue.title')}</h1>
      <Room eventId={params['eventId']!} />
    </RequireSignIn>
  );
}
