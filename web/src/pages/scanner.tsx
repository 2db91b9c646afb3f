/**
 * The door scanner (event staff with the check-in right): the device camera reads ticket QR codes
 * with jsQR (loaded only when the camera starts: its own chunk), a code can also be typed or
 * pasted. Every code is first judged on the device, with no network: the platform's Ed25519
 * signature (WebCrypto, the public key from `/api/v1/tickets/public-key`), the event, the
 * downloaded signed list (its signature checked too) for void or transferred tickets, the live
 * rotating code for events that rotate, and the scans this device already made. Online, the
 * server then decides (exactly once across gates: `POST /check-ins`); offline, a ticket that
 * passes is let in, queued, and uploaded later in a batch (`POST /check-ins/batch`), where the
 * earliest scan wins and any later one comes back in the sync report. Green or red, with the
 * reason, in a live region; everything works from the keyboard.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { CheckinListView, CheckinResult, BatchScanResult } from '../../../tickets/types.js';
import { ApiError, api, newKey } from '../api.js';
import { locale, t, useLang } from '../i18n/index.js';
import { tt, type TicketMessageKey } from '../i18n/tickets.js';
import { RequireSignIn } from '../require-signin.js';
import { Link } from '../router.js';
import {
  importPublicKey,
  isLiveOtp,
  parseCode,
  ticketSecretOf,
  verifyCodeSignature,
  verifyOfflineList,
  type OfflineList,
  type Key,
} from '../ticket-codes.js';
import '../tickets.css';

type Jwk = { kty: string; crv: string; x: string };
interface Verdict {
  ok: boolean;
  text: string;
  ticketId?: string;
  at: number;
}
interface Queued {
  code: string;
  scannedAt: number;
  gate: string;
  listId?: string;
}
interface Done {
  at: number;
  gate: string;
}

/** A refusal decided on the device that the server would only repeat. */
type Local = { final: true; verdict: Verdict } | { final: false; refusal?: Verdict; ticketId: string };

const store = {
  get<T>(key: string): T | undefined {
    try {
      return JSON.parse(localStorage.getItem(key) ?? 'null') ?? undefined;
    } catch {
      return undefined;
    }
  },
  set(key: string, v: unknown): void {
    try {
      localStorage.setItem(key, JSON.stringify(v));
    } catch {
      /* storage full or denied: memory only */
    }
  },
};
const time = (ms: number) => new Date(ms).toLocaleTimeString(locale());
const refuse = (key: TicketMessageKey, p: Record<string, string | number> = {}, ticketId?: string): Verdict => ({
  ok: false,
  text: tt(key, p),
  at: Date.now(),
  ...(ticketId ? { ticketId } : {}),
});

/** A server refusal in the door's words. */
function refusalOf(e: ApiError, ticketId?: string): Verdict {
  const d = e.details ?? {};
  switch (e.code) {
    case 'CHECKIN_ALREADY':
      return refuse('scan.already', { at: time(Number(d['at'])), gate: String(d['gate'] ?? '?') }, ticketId);
    case 'CHECKIN_TICKET_VOIDED':
      return refuse(String(d['reason'] ?? '').includes('transfer') ? 'scan.transferred' : 'scan.voided', {}, ticketId);
    case 'CHECKIN_WRONG_EVENT':
      return refuse('scan.otherEvent', {}, ticketId);
    case 'CHECKIN_CODE_INVALID':
      return refuse('scan.forged', {}, ticketId);
    case 'CHECKIN_CODE_EXPIRED':
      return refuse('scan.expired', {}, ticketId);
    case 'CHECKIN_NOT_ON_LIST':
      return refuse('scan.notOnList', {}, ticketId);
    case 'CHECKIN_FORBIDDEN':
      return refuse('scan.forbidden', {}, ticketId);
    default:
      return refuse('scan.other', { message: e.message, code: e.code }, ticketId);
  }
}

function Scanner({ eventId }: { eventId: string }) {
  useLang();
  const K = (s: string) => `tb.scan.${eventId}.${s}`;
  const [lists, setLists] = useState<CheckinListView[]>(() => store.get(K('lists')) ?? []);
  const [listId, setListId] = useState<string>(() => store.get(K('listId')) ?? '');
  const [gate, setGate] = useState<string>(() => store.get(K('gate')) ?? 'Main');
  const [key, setKey] = useState<{ key: Key; keyId: string } | undefined>();
  const [list, setList] = useState<{ list: OfflineList; byId: Map<string, { classId: string; status: string }> } | undefined>();
  const [listProblem, setListProblem] = useState('');
  const [verdict, setVerdict] = useState<Verdict | undefined>();
  const [log, setLog] = useState<Verdict[]>([]);
  const [queue, setQueue] = useState<Queued[]>(() => store.get(K('queue')) ?? []);
  const [conflicts, setConflicts] = useState<string[]>([]);
  const [online, setOnline] = useState(navigator.onLine);
  const [camera, setCamera] = useState<'off' | 'starting' | 'on'>('off');
  const [cameraError, setCameraError] = useState('');
  const [manual, setManual] = useState('');
  const video = useRef<HTMLVideoElement>(null);
  const manualRef = useRef<HTMLInputElement>(null);
  const stream = useRef<MediaStream | undefined>(undefined);
  const busy = useRef(false);
  const lastCode = useRef<string | undefined>(undefined);
  const done = useRef<Map<string, Done>>(new Map(Object.entries(store.get<Record<string, Done>>(K('done')) ?? {})));
  // The loop and the sync read the latest values through this ref.
  const cur = useRef({ gate, listId, key, list, queue });
  cur.current = { gate, listId, key, list, queue };

  // The platform key, then the lists, then the signed list of the chosen one; each kept for offline use.
  useEffect(() => {
    const jwkFrom = async (): Promise<{ keyId: string; jwk: Jwk } | undefined> => {
      try {
        const r = await api<{ keyId: string; jwk: Jwk }>('GET', '/api/v1/tickets/public-key', { auth: false });
        store.set('tb.scan.publicKey', r);
        return r;
      } catch {
        return store.get('tb.scan.publicKey');
      }
    };
    void jwkFrom().then(async (k) => {
      if (k) setKey({ key: await importPublicKey(k.jwk), keyId: k.keyId });
    });
    api<{ lists: CheckinListView[] }>('GET', `/api/v1/events/${eventId}/checkin-lists`).then(
      (r) => {
        setLists(r.lists);
        store.set(K('lists'), r.lists);
      },
      (e: unknown) => {
        if (e instanceof ApiError && e.status === 403) setListProblem(tt('scan.forbidden'));
      },
    );
  }, [eventId]);

  const loadList = async (fresh: boolean) => {
    if (!key) return;
    const lk = K(`list.${listId || 'all'}`);
    let raw: OfflineList | undefined;
    if (fresh) {
      try {
        raw = await api<OfflineList>(
          'GET',
          `/api/v1/events/${eventId}/checkin-lists/offline${listId ? `?listId=${encodeURIComponent(listId)}` : ''}`,
        );
      } catch (e) {
        if (e instanceof ApiError) {
          setListProblem(e.status === 403 ? tt('scan.forbidden') : tt('scan.other', { message: e.message, code: e.code }));
          return;
        }
      }
    }
    raw ??= store.get<OfflineList>(lk);
    if (!raw) {
      setList(undefined);
      return;
    }
    if (raw.eventId !== eventId || !(await verifyOfflineList(key.key, raw))) {
      setList(undefined);
      setListProblem(tt('scan.listBad'));
      return;
    }
    store.set(lk, raw);
    setListProblem('');
    setList({ list: raw, byId: new Map(raw.tickets.map((x) => [x.ticketId, { classId: x.classId, status: x.status }])) });
  };
  useEffect(() => {
    void loadList(true);
  }, [key, listId]);
  useEffect(() => {
    store.set(K('gate'), gate);
    store.set(K('listId'), listId);
  }, [gate, listId]);
  useEffect(() => {
    store.set(K('queue'), queue);
  }, [queue]);

  /** The device's own judgement (no network). */
  async function judgeHere(code: string, at: number): Promise<Local> {
    const p = parseCode(code.trim());
    if (!p) return { final: true, verdict: refuse('scan.malformed') };
    const { key: k, list: l } = cur.current;
    if (k && !(await verifyCodeSignature(k.key, p))) return { final: true, verdict: refuse('scan.forged', {}, p.ticketId) };
    if (p.eventId !== eventId) return { final: true, verdict: refuse('scan.otherEvent', {}, p.ticketId) };
    if (l?.list.rotating) {
      const r = l.list.rotating;
      const secret = await ticketSecretOf(r.eventKey, p.ticketId);
      if (!p.rotating || !(await isLiveOtp(p.rotating, secret, at, r.periodSeconds, r.windowSteps)))
        return { final: true, verdict: refuse('scan.expired', {}, p.ticketId) };
    }
    const mine = done.current.get(p.ticketId);
    if (mine) return { final: true, verdict: refuse('scan.already', { at: time(mine.at), gate: mine.gate }, p.ticketId) };
    if (!k) return { final: false, ticketId: p.ticketId, refusal: refuse('scan.noList', {}, p.ticketId) };
    const entry = l?.byId.get(p.ticketId);
    if (!l) return { final: false, ticketId: p.ticketId, refusal: refuse('scan.noList', {}, p.ticketId) };
    if (!entry)
      return { final: false, ticketId: p.ticketId, refusal: refuse(l.list.listId ? 'scan.notOnList' : 'scan.unknown', {}, p.ticketId) };
    if (entry.status === 'voided') return { final: true, verdict: refuse('scan.voided', {}, p.ticketId) };
    if (entry.status === 'transferred') return { final: true, verdict: refuse('scan.transferred', {}, p.ticketId) };
    if (entry.status === 'checkedIn') return { final: false, ticketId: p.ticketId, refusal: refuse('scan.alreadyList', {}, p.ticketId) };
    return { final: false, ticketId: p.ticketId };
  }

  function remember(ticketId: string, d: Done) {
    done.current.set(ticketId, d);
    store.set(K('done'), Object.fromEntries(done.current));
  }

  /** Judge one code: on the device, then at the server when it can be reached. */
  async function judge(code: string): Promise<Verdict> {
    const at = Date.now();
    const { gate: g, listId: lid } = cur.current;
    const here = await judgeHere(code, at);
    if (here.final) return here.verdict;
    try {
      const r = await api<CheckinResult>('POST', `/api/v1/events/${eventId}/check-ins`, {
        key: newKey(),
        body: { code: code.trim(), gate: g, ...(lid ? { listId: lid } : {}) },
      });
      remember(r.ticketId, { at: r.at, gate: r.gate });
      setOnline(true);
      return { ok: true, text: tt('scan.okOnline', { at: time(r.at), gate: r.gate }), ticketId: r.ticketId, at: r.at };
    } catch (e) {
      // A 5xx (a gateway restarting, a proxy without upstream) counts as no network.
      if (e instanceof ApiError && e.status < 500) {
        setOnline(true);
        if (e.code === 'CHECKIN_ALREADY')
          remember(here.ticketId, { at: Number(e.details?.['at']), gate: String(e.details?.['gate'] ?? '?') });
        return refusalOf(e, here.ticketId);
      }
    }
    // No network: the device's judgement stands, and an admitted scan waits to be uploaded.
    setOnline(false);
    if (here.refusal) return here.refusal;
    remember(here.ticketId, { at, gate: g });
    setQueue((q) => [...q, { code: code.trim(), scannedAt: at, gate: g, ...(lid ? { listId: lid } : {}) }]);
    return { ok: true, text: tt('scan.okOffline', { at: time(at), gate: g }), ticketId: here.ticketId, at };
  }

  async function onCode(code: string, force = false) {
    if (busy.current || (!force && code === lastCode.current)) return;
    busy.current = true;
    lastCode.current = code;
    try {
      const v = await judge(code);
      setVerdict(v);
      setLog((l) => [v, ...l].slice(0, 10));
    } finally {
      busy.current = false;
    }
  }

  function next() {
    lastCode.current = undefined;
    setVerdict(undefined);
    manualRef.current?.focus();
  }

  /** Upload queued offline scans, per gate and list, at most 500 a request. */
  const syncing = useRef(false);
  async function sync() {
    const q = cur.current.queue;
    if (syncing.current || q.length === 0) return;
    syncing.current = true;
    try {
      const groups = new Map<string, Queued[]>();
      for (const s of q.slice(0, 500)) {
        const gk = `${s.gate}\u0000${s.listId ?? ''}`;
        groups.set(gk, [...(groups.get(gk) ?? []), s]);
      }
      const sent = new Set<Queued>();
      const report: string[] = [];
      for (const group of groups.values()) {
        const first = group[0]!;
        const r = await api<{ results: BatchScanResult[] }>('POST', `/api/v1/events/${eventId}/check-ins/batch`, {
          key: newKey(),
          body: {
            gate: first.gate,
            ...(first.listId ? { listId: first.listId } : {}),
            scans: group.map((s) => ({ code: s.code, scannedAt: s.scannedAt })),
          },
        });
        for (const res of r.results) {
          const mine = group[res.index];
          // An upload repeated after a lost answer finds its own earlier scan: not a conflict.
          if (res.outcome === 'already' && res.winner && mine && res.winner.at === mine.scannedAt && res.winner.gate === mine.gate)
            continue;
          if (res.outcome === 'already' && res.winner)
            report.push(tt('scan.conflict', { ticket: res.ticketId ?? '?', at: time(res.winner.at), gate: res.winner.gate }));
          else if (res.outcome === 'refused') report.push(`${res.ticketId ?? '?'}: ${res.code ?? ''}`);
        }
        for (const s of group) sent.add(s);
      }
      setOnline(true);
      setQueue((cur) => cur.filter((s) => !sent.has(s)));
      if (report.length) setConflicts((c) => [...report, ...c].slice(0, 50));
    } catch (e) {
      if (!(e instanceof ApiError) || e.status >= 500) setOnline(false);
      // A refused upload (rights withdrawn, a gate no longer on the list) stays queued and is said once.
      else {
        const line = tt('scan.other', { message: e.message, code: e.code });
        setConflicts((c) => (c[0] === line ? c : [line, ...c].slice(0, 50)));
      }
    } finally {
      syncing.current = false;
    }
  }
  useEffect(() => {
    const up = () => {
      setOnline(true);
      void sync();
    };
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    const every = setInterval(() => {
      if (navigator.onLine) void sync();
    }, 10_000);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
      clearInterval(every);
    };
  }, [eventId]);

  // The camera: a frame every 150 ms through jsQR (its own chunk, loaded here only).
  async function startCamera() {
    setCameraError('');
    setCamera('starting');
    try {
      const [{ default: jsQR }, media] = await Promise.all([
        import('jsqr'),
        navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }),
      ]);
      stream.current = media;
      const v = video.current!;
      v.srcObject = media;
      await v.play();
      setCamera('on');
      const canvas = document.createElement('canvas');
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
      const frame = () => {
        if (stream.current !== media) return;
        if (v.readyState >= 2 && v.videoWidth > 0) {
          const scale = Math.min(1, 800 / v.videoWidth);
          canvas.width = Math.round(v.videoWidth * scale);
          canvas.height = Math.round(v.videoHeight * scale);
          ctx.drawImage(v, 0, 0, canvas.width, canvas.height);
          const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
          const found = jsQR(img.data, img.width, img.height, { inversionAttempts: 'dontInvert' });
          if (found?.data) void onCode(found.data);
        }
        setTimeout(frame, 150);
      };
      frame();
    } catch (e) {
      setCamera('off');
      setCameraError(tt('scan.cameraFailed', { message: (e as Error).message || String(e) }));
    }
  }
  function stopCamera() {
    for (const tr of stream.current?.getTracks() ?? []) tr.stop();
    stream.current = undefined;
    if (video.current) video.current.srcObject = null;
    setCamera('off');
  }
  useEffect(() => () => stopCamera(), []);

  const chosen = lists.find((l) => l.listId === listId);
  const gates = chosen?.gates;
  useEffect(() => {
    if (gates && !gates.includes(gate)) setGate(gates[0]!);
  }, [listId, lists.length]);

  return (
    <>
      <p>
        <Link href={`/organizer/events/${eventId}`}>{t('console.back')}</Link>
      </p>
      <div class="row">
        {lists.length > 0 && (
          <label>
            {tt('scan.list')}
            <select value={listId} onChange={(e) => setListId(e.currentTarget.value)}>
              <option value="">{tt('scan.allClasses')}</option>
              {lists.map((l) => (
                <option key={l.listId} value={l.listId}>
                  {l.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label htmlFor="scan-gate">
          {tt('scan.gate')}
          {gates ? (
            <select id="scan-gate" value={gate} onChange={(e) => setGate(e.currentTarget.value)}>
              {gates.map((g) => (
                <option key={g} value={g}>
                  {g}
                </option>
              ))}
            </select>
          ) : (
            <input
              id="scan-gate"
              value={gate}
              required
              maxLength={64}
              pattern="[A-Za-z0-9 _.\-]+"
              onInput={(e) => setGate(e.currentTarget.value)}
            />
          )}
        </label>
        <p data-testid="online" data-online={online ? 'yes' : 'no'}>
          {online ? tt('scan.online') : tt('scan.offline')}
        </p>
      </div>

      <div
        class={`verdict ${verdict ? (verdict.ok ? 'verdict-ok' : 'verdict-bad') : ''}`}
        role="status"
        aria-live="assertive"
        data-testid="verdict"
        data-verdict={verdict ? (verdict.ok ? 'ok' : 'refused') : 'waiting'}
      >
        {verdict ? (
          <>
            <p class="verdict-title">{verdict.ok ? tt('scan.ok') : tt('scan.refused')}</p>
            <p>{verdict.text}</p>
            {verdict.ticketId && (
              <p>
                <code>{verdict.ticketId}</code>
              </p>
            )}
          </>
        ) : (
          <p>{tt('scan.waiting')}</p>
        )}
      </div>
      {verdict && (
        <p>
          <button type="button" onClick={next}>
            {tt('scan.next')}
          </button>
        </p>
      )}

      <section aria-labelledby="cam-h">
        <h2 id="cam-h">{tt('scan.camera')}</h2>
        {camera === 'on' ? (
          <button type="button" class="secondary" onClick={stopCamera}>
            {tt('scan.stopCamera')}
          </button>
        ) : (
          <button type="button" onClick={() => void startCamera()} disabled={camera === 'starting'}>
            {tt('scan.startCamera')}
          </button>
        )}
        {cameraError && (
          <p class="error" role="alert">
            {cameraError}
          </p>
        )}
        <video ref={video} class="scanner-video" muted playsInline aria-label={tt('scan.video')} hidden={camera === 'off'} />
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (manual.trim()) void onCode(manual, true).then(() => setManual(''));
          }}
        >
          <label>
            {tt('scan.manual')}
            <input
              ref={manualRef}
              value={manual}
              autoComplete="off"
              spellcheck={false}
              size={40}
              onInput={(e) => setManual(e.currentTarget.value)}
            />
          </label>
          <button type="submit">{tt('scan.check')}</button>
        </form>
      </section>

      <section aria-labelledby="list-h">
        <h2 id="list-h">{tt('scan.listTitle')}</h2>
        {list ? (
          <p data-testid="list-info">
            {tt('scan.listInfo', { n: list.list.tickets.length, at: time(list.list.generatedAt), key: list.list.keyId })}
          </p>
        ) : (
          <p>{tt('scan.noList')}</p>
        )}
        {listProblem && (
          <p class="error" role="alert">
            {listProblem}
          </p>
        )}
        <button type="button" class="secondary" onClick={() => void loadList(true)}>
          {tt('scan.download')}
        </button>
      </section>

      <section aria-labelledby="sync-h">
        <h2 id="sync-h">{tt('scan.sync')}</h2>
        <p data-testid="pending">{queue.length ? tt('scan.pending', { n: queue.length }) : tt('scan.synced')}</p>
        {queue.length > 0 && (
          <button type="button" class="secondary" onClick={() => void sync()}>
            {tt('scan.syncNow')}
          </button>
        )}
        {conflicts.length > 0 && (
          <>
            <h3>{tt('scan.conflicts')}</h3>
            <ul>
              {conflicts.map((c, i) => (
                <li key={i}>{c}</li>
              ))}
            </ul>
          </>
        )}
      </section>

      {log.length > 0 && (
        <table>
          <caption>{tt('scan.log')}</caption>
          <thead>
            <tr>
              <th scope="col">{tt('scan.time')}</th>
              <th scope="col">{tt('scan.ticket')}</th>
              <th scope="col">{tt('scan.result')}</th>
            </tr>
          </thead>
          <tbody>
            {log.map((v, i) => (
              <tr key={i}>
                <td>{time(v.at)}</td>
                <td>{v.ticketId ?? '—'}</td>
                <td class={v.ok ? 'ok-text' : 'bad-text'}>
                  {v.ok ? tt('scan.ok') : tt('scan.refused')}: {v.text}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export default function ScannerPage({ params }: { params: Record<string, string> }) {
  useLang();
  return (
    <RequireSignIn>
      <h1>{tt('scan.title')}</h1>
      <Scanner eventId={params['eventId']!} />
    </RequireSignIn>
  );
}
