import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import type { ApiEvent } from '../../../shared/api/contract.js';

type Listener = (e: ApiEvent) => void;

/** Whether the live stream is open: `connecting` at start and while the browser reconnects. */
export type LiveState = 'connecting' | 'live' | 'lost';

interface LiveEvents {
  state: LiveState;
  subscribe(listener: Listener): () => void;
  /** The last events received (newest first, at most 50), so a screen opened later shows them too. */
  recent(): readonly { at: number; event: ApiEvent }[];
}

const EVENT_TYPES: readonly ApiEvent['type'][] = [
  'status',
  'file',
  'progress',
  'problem',
  'restore',
  'snapshot',
  'health',
];

const Context = createContext<LiveEvents>({
  state: 'connecting',
  subscribe: () => () => undefined,
  recent: () => [],
});

/**
 * One EventSource on /api/events for the whole app. Components subscribe to the events they show,
 * so an event re-renders only them; the browser reconnects on its own after a lost connection.
 */
export function LiveEventsProvider({ children, url = '/api/events' }: { children: ReactNode; url?: string }) {
  const listeners = useRef(new Set<Listener>());
  const history = useRef<{ at: number; event: ApiEvent }[]>([]);
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource(url);
    source.onopen = () => setState('live');
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'lost' : 'connecting');
    const handlers = EVENT_TYPES.map((type) => {
      const h = (msg: MessageEvent<string>) => {
        let event: ApiEvent;
        try {
          event = JSON.parse(msg.data) as ApiEvent;
        } catch {
          return;
        }
        if (event.type === 'file' || event.type === 'problem')
          history.current = [{ at: Date.now(), event }, ...history.current].slice(0, 50);
        for (const l of listeners.current) l(event);
      };
      source.addEventListener(type, h as EventListener);
      return [type, h] as const;
    });
    return () => {
      for (const [type, h] of handlers) source.removeEventListener(type, h as EventListener);
      source.close();
    };
  }, [url]);
  const subscribe = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => void listeners.current.delete(listener);
  }, []);
  const recent = useCallback(() => history.current, []);
  const value = useMemo<LiveEvents>(() => ({ state, subscribe, recent }), [state, subscribe, recent]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

/** Calls `on` for every live event of the given types while the component is mounted. */
export function useLiveEvent<T extends ApiEvent['type']>(
  types: readonly T[],
  on: (e: Extract<ApiEvent, { type: T }>) => void,
): void {
  const { subscribe } = useContext(Context);
  const handler = useRef(on);
  handler.current = on;
  const key = types.join(',');
  useEffect(
    () =>
      subscribe((e) => {
        if ((types as readonly string[]).includes(e.type))
          handler.current(e as Extract<ApiEvent, { type: T }>);
      }),
    // `key` stands for `types`, so a new array of the same types does not resubscribe.
    [subscribe, key],
  );
}

/** The state of the live connection, for the header's indicator. */
export function useLiveState(): LiveState {
  return useContext(Context).state;
}

/** Events of these types received before the component mounted, newest first. */
export function useRecentEvents<T extends ApiEvent['type']>(
  types: readonly T[],
): { at: number; event: Extract<ApiEvent, { type: T }> }[] {
  const { recent } = useContext(Context);
  return recent().filter((r) => (types as readonly string[]).includes(r.event.type)) as {
    at: number;
    event: Extract<ApiEvent, { type: T }>;
  }[];
}
