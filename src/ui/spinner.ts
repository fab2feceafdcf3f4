import { useEffect, useState } from 'react';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The spinner glyph for a tick count. */
export function spinnerFrame(tick: number): string {
  return FRAMES[tick % FRAMES.length];
}

/**
 * One timer for the whole live area: spinners and running durations advance together, and
 * nothing ticks while nothing runs (an idle prompt does not redraw).
 */
export function useTick(active: boolean, everyMs = 120): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setTick((t) => t + 1), everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs]);
  return tick;
}
