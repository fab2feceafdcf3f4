import { useEffect, useState } from 'react';
import type { EngineEvent } from '../engine/types.js';
import { initialViewState, reduce, type ViewState } from '../engine/view-state.js';
import type { SessionHandle } from '../session/types.js';

const IMMEDIATE = new Set<EngineEvent['type']>([
  'step-awaiting-approval',
  'interrupt-requested',
  'session-ended',
]);

/**
 * The session's view state, folded from its events. Events are buffered and folded at most once
 * per `flushMs`: a step that prints thousands of lines costs one render per frame, not one per
 * line (Ink draws ~30 frames a second anyway). Approvals, Ctrl+C questions and the end are
 * shown at once.
 */
export function useSessionView(handle: SessionHandle, flushMs = 33): ViewState {
  const [state, setState] = useState<ViewState>(initialViewState);
  useEffect(() => {
    let buffer: EngineEvent[] = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = (): void => {
      clearTimeout(timer);
      timer = undefined;
      const events = buffer;
      buffer = [];
      if (events.length > 0) setState((s) => events.reduce(reduce, s));
    };
    const unsubscribe = handle.subscribe((event) => {
      buffer.push(event);
      // Moments the operator acts on are drawn at once, so the step list and the prompt agree.
      if (IMMEDIATE.has(event.type)) flush();
      else timer ??= setTimeout(flush, flushMs);
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [handle, flushMs]);
  return state;
}
