import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { StatusReport } from '../../../shared/model/status.js';
import { api } from './api.js';
import { useLiveEvent, useLiveState } from './events.js';

interface StatusValue {
  status: StatusReport | null;
  error: unknown;
  reload: () => void;
  /** Whether this window paused uploads (the status report does not say it yet). */
  paused: boolean;
  setPaused: (paused: boolean) => void;
}

const Context = createContext<StatusValue>({
  status: null,
  error: null,
  reload: () => undefined,
  paused: false,
  setPaused: () => undefined,
});

/**
 * The engine's status for every screen: loaded once, then replaced by each `status` event of the
 * live stream (sent after every file), and loaded again when the stream reconnects.
 */
export function StatusProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<StatusReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [paused, setPaused] = useState(false);
  const reload = useCallback(() => {
    api.get('GET /api/status').then(
      (s) => {
        setStatus(s);
        setError(null);
      },
      (e: unknown) => setError(e),
    );
  }, []);
  useEffect(reload, [reload]);
  const live = useLiveState();
  useEffect(() => {
    if (live === 'live') reload();
  }, [live, reload]);
  useLiveEvent(['status'], (e) => {
    setStatus(e.status);
    setError(null);
  });
  // The agent sends `status` as a file finishes, which can be just before the file is marked
  // protected: one more load after the last file event of a burst catches the final state.
  const settle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useLiveEvent(['file'], () => {
    clearTimeout(settle.current);
    settle.current = setTimeout(reload, 1500);
  });
  useEffect(() => () => clearTimeout(settle.current), []);
  return <Context.Provider value={{ status, error, reload, paused, setPaused }}>{children}</Context.Provider>;
}

export function useStatus(): StatusValue {
  return useContext(Context);
}
