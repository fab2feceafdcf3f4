import { useCallback, useRef, useState } from 'react';

/**
 * State whose latest value a key handler can read at once. Ink re-subscribes input handlers
 * after each render, so two keys arriving in one tick (fast typing, a paste split in two) would
 * otherwise both see the value from before the first.
 */
export function useSyncedState<T>(initial: T | (() => T)): [T, { readonly current: T }, (next: T) => void] {
  const [state, setState] = useState(initial);
  const ref = useRef(state);
  const set = useCallback((next: T) => {
    ref.current = next;
    setState(next);
  }, []);
  return [state, ref, set];
}
