import { useEffect, useRef, useState } from 'react';
import type { QueueReport } from '../../../shared/api/contract.js';
import { api } from '../lib/api.js';
import { useLiveEvent } from '../lib/events.js';
import { formatBytes, formatDuration, plural } from '../lib/format.js';
import { useStatus } from '../lib/status.js';
import { Throughput } from '../lib/throughput.js';
import { Progress } from './Progress.js';
import { ErrorState, Loading } from './States.js';

/** What the queue card shows, computed from the queue report and the measured speed. */
export function QueueView({
  queue,
  speed,
  eta,
  paused = false,
}: {
  queue: QueueReport;
  speed: number | null;
  eta: number | null;
  paused?: boolean;
}) {
  const idle = queue.queued + queue.running === 0;
  return (
    <div className="queue">
      <dl className="stats">
        <div>
          <dt>Waiting</dt>
          <dd>{plural(queue.queued - queue.retrying, 'job')}</dd>
        </div>
        <div>
          <dt>Working now</dt>
          <dd>{plural(queue.running, 'job')}</dd>
        </div>
        <div>
          <dt>Retrying</dt>
          <dd>{plural(queue.retrying, 'job')}</dd>
        </div>
        <div>
          <dt>Still to send</dt>
          <dd>{formatBytes(queue.pendingBytes)}</dd>
        </div>
      </dl>
      {paused ? (
        <p className="queue-speed">
          Uploads are paused: {plural(queue.queued, 'job')} wait until you resume.
        </p>
      ) : idle ? (
        <p className="muted">
          Nothing waiting: new files are picked up as soon as they land in a watched folder.
        </p>
      ) : (
        <>
          <Progress value={null} label="Backing up" />
          <p className="queue-speed">
            {speed === null ? 'Measuring speed…' : `${formatBytes(speed)}/s`}
            {' · '}
            {eta === null ? 'time left: estimating' : eta === 0 ? 'finishing' : `${formatDuration(eta)} left`}
          </p>
        </>
      )}
    </div>
  );
}

/** The upload queue, refreshed after each live event (at most every 2 s), with its speed and time left. */
export function QueueCard() {
  const [queue, setQueue] = useState<QueueReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const meter = useRef(new Throughput());
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const load = () => {
    api.get('GET /api/queue').then(
      (q) => {
        meter.current.pending(q.pendingBytes, Date.now());
        setQueue(q);
        setError(null);
      },
      (e: unknown) => setError(e),
    );
  };
  // Loaded again whenever the status changes (a file done, a scan, a pause), at most every 2 s.
  const { status, paused } = useStatus();
  useEffect(() => {
    if (timer.current) return;
    const wait = Math.max(0, 2000 - (Date.now() - last.current));
    timer.current = setTimeout(() => {
      timer.current = undefined;
      last.current = Date.now();
      load();
    }, wait);
  }, [status]);
  useEffect(() => () => clearTimeout(timer.current), []);
  // While a file is being read (a long video), the counts, the speed and "still to send" move with it.
  useLiveEvent(['progress'], (e) => {
    meter.current.pending(e.queue.pendingBytes, Date.now());
    setQueue(e.queue);
  });
  if (error && !queue) return <ErrorState error={error} what="The queue" retry={load} />;
  if (!queue) return <Loading label="Loading the queue" rows={2} />;
  return (
    <QueueView
      queue={queue}
      speed={meter.current.bytesPerSecond()}
      eta={meter.current.eta(queue.pendingBytes)}
      paused={paused}
    />
  );
}
