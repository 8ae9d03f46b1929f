import { useCallback, useEffect, useRef, useState } from "react";

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads `load()` whenever `key` or `version` changes, and again on reload(); an answer for an
 * older request is dropped, so a slow response never overwrites a newer one. A new key is other
 * data (shown empty while loading); a new version is the same data refreshed (kept on screen).
 */
export function useResource<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>, version = 0): Resource<T> {
  const [state, setState] = useState<{ key: string | null; data: T | undefined; error: unknown; loading: boolean }>({
    key: null,
    data: undefined,
    error: undefined,
    loading: key !== null,
  });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    setState((s) => ({ key, data: s.key === key ? s.data : undefined, error: undefined, loading: true }));
    loadRef.current(controller.signal).then(
      (data) => !controller.signal.aborted && setState({ key, data, error: undefined, loading: false }),
      (error: unknown) => !controller.signal.aborted && setState((s) => ({ key, data: s.data, error, loading: false })),
    );
    return () => controller.abort();
  }, [key, version, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  const current = state.key === key;
  return { data: current ? state.data : undefined, error: current ? state.error : undefined, loading: !current || state.loading, reload };
}
