/**
 * The live sale console: one WebSocket (`/api/v1/events/:id/console/ws`, a frame a second),
 * numbers and uPlot charts (served locally, loaded only on this page), and the live controls:
 * pause / resume admission, the number of checkout slots, closing a class (REST calls).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ConsoleFrame } from '../../../gateway/ws/console-types.js';
import { ApiError, api, newKey } from '../api.js';
import { duration, t } from '../i18n/index.js';
import { RequireSignIn } from '../require-signin.js';
import { Link } from '../router.js';
import { getSession } from '../session.js';

const WINDOW = 300; // points kept (5 minutes at one a second)

interface Series {
  x: number[];
  [k: string]: number[];
}

function Chart({ title, data, series }: { title: string; data: Series; series: Array<{ key: string; label: string; stroke: string }> }) {
  const el = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  useEffect(() => {
    if (!el.current) return;
    plot.current = new uPlot(
      {
        width: Math.min(560, el.current.clientWidth || 560),
        height: 200,
        title,
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.stroke, width: 2 }))],
        axes: [{ stroke: '#222' }, { stroke: '#222' }],
      },
      [data.x, ...series.map((s) => data[s.key] ?? [])],
      el.current,
    );
    return () => plot.current?.destroy();
  }, []);
  useEffect(() => {
    plot.current?.setData([data.x, ...series.map((s) => data[s.key] ?? [])]);
  }, [data]);
  return (
    <figure class="chart">
      <div ref={el} role="img" aria-label={title} />
    </figure>
  );
}

function Live({ eventId }: { eventId: string }) {
  const [frame, setFrame] = useState<ConsoleFrame | undefined>();
  const [data, setData] = useState<Series>({ x: [], waiting: [], admissions: [], sales: [], slots: [], left: [] });
  const [link, setLink] = useState('connecting');
  const [msg, setMsg] = useState('');
  const [slots, setSlots] = useState('');
  useEffect(() => {
    let ws: WebSocket | undefined;
    let closed = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      const token = getSession()?.accessToken;
      if (!token || closed) return;
      ws = new WebSocket(
        `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/events/${encodeURIComponent(eventId)}/console/ws`,
        ['tb.console.v1', `bearer.${token}`],
      );
      ws.onopen = () => setLink('connected');
      ws.onmessage = (m) => {
        const f = JSON.parse(String(m.data)) as ConsoleFrame;
        if (f.t !== 'console') return;
        setFrame(f);
        setData((d) => {
          const push = (a: number[], v: number) => [...a.slice(-(WINDOW - 1)), v];
          return {
            x: push(d.x, f.at / 1000),
            waiting: push(d.waiting!, f.queue?.waiting ?? 0),
            admissions: push(d.admissions!, f.admissionsPerSec),
            sales: push(d.sales!, f.salesPerSec),
            slots: push(d.slots!, f.queue?.slotsInUse ?? 0),
            left: push(
              d.left!,
              f.classes.reduce((n, c) => n + c.available, 0),
            ),
          };
        });
      };
      ws.onclose = () => {
        setLink('reconnecting');
        if (!closed) timer = setTimeout(connect, 2000);
      };
    };
    connect();
    return () => {
      closed = true;
      clearTimeout(timer);
      ws?.close();
    };
  }, [eventId]);
  const act = (p: Promise<unknown>) =>
    p.then(
      () => setMsg(t('org.done')),
      (e: unknown) => setMsg(e instanceof ApiError ? `${e.message} (${e.code})` : String(e)),
    );
  const q = frame?.queue;
  return (
    <>
      <p aria-live="polite" data-link={link}>
        {t(`queue.link.${link as 'connected'}`)}
      </p>
      <p role="status">{msg}</p>
      <section aria-labelledby="ctl-h" class="controls">
        <h2 id="ctl-h">{t('console.controls')}</h2>
        {q?.paused ? (
          <button type="button" onClick={() => act(api('POST', `/api/v1/events/${eventId}/queue/resume`, { key: newKey() }))}>
            {t('console.resume')}
          </button>
        ) : (
          <button type="button" onClick={() => act(api('POST', `/api/v1/events/${eventId}/queue/pause`, { key: newKey() }))}>
            {t('console.pause')}
          </button>
        )}
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            void act(api('PUT', `/api/v1/events/${eventId}/queue/slots`, { key: newKey(), body: { maxConcurrent: Number(slots) } }));
          }}
        >
          <label>
            {t('console.slots')}
            <input
              type="number"
              min={1}
              required
              value={slots}
              placeholder={String(q?.maxConcurrent ?? '')}
              onInput={(e) => setSlots(e.currentTarget.value)}
            />
          </label>
          <button type="submit">{t('console.setSlots')}</button>
        </form>
      </section>
      <dl class="stats">
        <dt>{t('console.admission')}</dt>
        <dd data-testid="admission">
          {q
            ? q.paused
              ? t('console.paused')
              : q.soldOut
                ? t('event.soldOut')
                : q.phase === 'preQueue'
                  ? t('console.preQueue')
                  : t('console.running')
            : '—'}
        </dd>
        <dt>{t('console.waiting')}</dt>
        <dd data-testid="waiting">{q?.waiting ?? '—'}</dd>
        <dt>{t('console.admitted')}</dt>
        <dd data-testid="admitted">{q?.admitted ?? '—'}</dd>
        <dt>{t('console.admissionsPerSec')}</dt>
        <dd>{frame ? frame.admissionsPerSec.toFixed(1) : '—'}</dd>
        <dt>{t('console.slotsInUse')}</dt>
        <dd data-testid="slots">{q ? `${q.slotsInUse} / ${q.maxConcurrent}` : '—'}</dd>
        <dt>{t('console.salesPerSec')}</dt>
        <dd>{frame ? frame.salesPerSec.toFixed(1) : '—'}</dd>
        <dt>{t('console.sold')}</dt>
        <dd data-testid="sold">{frame ? frame.classes.reduce((n, c) => n + c.sold, 0) : '—'}</dd>
        <dt>{t('console.paymentFailures')}</dt>
        <dd>{frame?.paymentFailures ?? '—'}</dd>
        <dt>{t('console.etaPredicted')}</dt>
        <dd>{frame?.eta.predictedSec !== undefined ? duration(frame.eta.predictedSec) : '—'}</dd>
        <dt>{t('console.etaChecked')}</dt>
        <dd>
          {frame?.eta.checked
            ? t('console.etaPair', { p: duration(frame.eta.checked.predictedSec), a: duration(frame.eta.checked.actualSec) })
            : '—'}
        </dd>
      </dl>
      <div class="charts">
        <Chart
          title={t('console.chartQueue')}
          data={data}
          series={[
            { key: 'waiting', label: t('console.waiting'), stroke: '#1f5fbf' },
            { key: 'slots', label: t('console.slotsInUse'), stroke: '#a34a00' },
          ]}
        />
        <Chart
          title={t('console.chartRates')}
          data={data}
          series={[
            { key: 'admissions', label: t('console.admissionsPerSec'), stroke: '#1f5fbf' },
            { key: 'sales', label: t('console.salesPerSec'), stroke: '#12733a' },
          ]}
        />
        <Chart title={t('console.chartStock')} data={data} series={[{ key: 'left', label: t('console.stockLeft'), stroke: '#8a1c7c' }]} />
      </div>
      <table>
        <caption>{t('console.stockByClass')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('event.class')}</th>
            <th scope="col">{t('console.sold')}</th>
            <th scope="col">{t('console.reserved')}</th>
            <th scope="col">{t('console.stockLeft')}</th>
            <th scope="col">{t('org.status')}</th>
            <th scope="col">{t('org.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {frame?.classes.map((c) => (
            <tr key={c.classId}>
              <td>{c.name}</td>
              <td>{c.sold}</td>
              <td>{c.reserved}</td>
              <td>{c.available}</td>
              <td>{c.status}</td>
              <td>
                {c.status !== 'closed' && (
                  <button
                    type="button"
                    class="small"
                    onClick={() => act(api('POST', `/api/v1/ticket-classes/${c.classId}/close`, { key: newKey() }))}
                  >
                    {t('org.class.close')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export default function Console({ params }: { params: Record<string, string> }) {
  const id = params['eventId']!;
  return (
    <RequireSignIn>
      <h1>{t('console.title')}</h1>
      <p>
        <Link href={`/organizer/events/${id}`}>{t('console.back')}</Link>
      </p>
      <Live eventId={id} />
    </RequireSignIn>
  );
}
