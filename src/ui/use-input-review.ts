import { useInput, useStdin, type Key } from 'ink';
import { useCallback, useRef } from 'react';
import type { ReviewContext, ReviewEntry } from './input-review-model.js';
import { initialReview, reviewKey, type ReviewState } from './input-review-state.js';
import { useSyncedState } from './use-synced-state.js';

/** What the review screen reports back. */
export interface ReviewHandlers {
  /** Accept all: the values typed on the screen; `save` when the operator asked to keep them. */
  onDone: (typed: Record<string, string>, options: { save: boolean }) => void;
  onBack: () => void;
}

/**
 * The review screen's keys: one listener subscribed once, reading the latest state from a ref,
 * so keys that arrive faster than React re-renders each act on what the previous one left.
 */
export function useInputReview(
  ctx: ReviewContext,
  entries: () => Record<string, ReviewEntry>,
  handlers: ReviewHandlers,
  options: { page: number; canSave: boolean },
): ReviewState {
  const { isRawModeSupported } = useStdin();
  const [state, ref, setState] = useSyncedState(() => initialReview(ctx, entries()));
  const finished = useRef(false);
  const handle = useRef<(input: string, key: Key) => void>(undefined);
  handle.current = (input, key) => {
    if (finished.current) return;
    const step = reviewKey(ctx, ref.current, { ...key, input }, options);
    setState(step.state);
    if (step.back) handlers.onBack();
    if (step.done) {
      finished.current = true;
      handlers.onDone(step.done, { save: step.save === true });
    }
  };
  const listener = useCallback((input: string, key: Key) => handle.current?.(input, key), []);
  useInput(listener, { isActive: isRawModeSupported });
  return state;
}
