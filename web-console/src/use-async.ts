import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { isRouteMissing } from './api/http.js';

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** The API behind it is not part of this server ("no route"). */
  missing: boolean;
  reload(): void;
}

/** Loads on mount and whenever `deps` change; `reload()` loads again, keeping the old data meanwhile. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[] = []): AsyncState<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => current && alive.current && setState({ data, error: undefined, loading: false }),
      (error: unknown) => current && alive.current && setState((s) => ({ ...s, error, loading: false })),
    );
    return () => {
      current = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, missing: isRouteMissing(state.error), reload };
}

/** Calls `fn` every `ms` while the page is shown. */
export function useInterval(fn: () => void, ms: number): void {
  const saved = useRef(fn);
  saved.current = fn;
  useEffect(() => {
    const t = setInterval(() => saved.current(), ms);
    return () => clearInterval(t);
  }, [ms]);
}
