import { useCallback, useEffect, useRef, useState } from 'react';

/** What a screen knows about data it loads: still loading, loaded, or failed with the error. */
export type Resource<T> =
  | { state: 'loading'; data?: T; reload: () => void }
  | { state: 'ready'; data: T; reload: () => void }
  | { state: 'error'; error: unknown; data?: T; reload: () => void };

/**
 * Loads data once per `key`, and again on `reload()` or when `refresh` changes (a live update), keeping
 * the last data meanwhile so live refreshes do not flash a loading state. Answers of superseded loads
 * are dropped.
 */
export function useResource<T>(load: () => Promise<T>, key: string, refresh = ''): Resource<T> {
  const [state, setState] = useState<
    | { state: 'loading'; data?: T }
    | { state: 'ready'; data: T }
    | { state: 'error'; error: unknown; data?: T }
  >({ state: 'loading' });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const lastKey = useRef(key);
  useEffect(() => {
    let live = true;
    const keyChanged = lastKey.current !== key;
    lastKey.current = key;
    if (keyChanged) setState({ state: 'loading' });
    loadRef.current().then(
      (data) => live && setState({ state: 'ready', data }),
      (error: unknown) =>
        live &&
        setState((s) => ({ state: 'error', error, ...(s.data === undefined ? {} : { data: s.data }) })),
    );
    return () => {
      live = false;
    };
  }, [key, tick, refresh]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload } as Resource<T>;
}
