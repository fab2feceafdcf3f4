import { z } from 'zod';
import { defineAction } from '../types.js';

const waitParams = z.object({
  seconds: z.coerce.number().min(0).max(3600),
  /** How many progress ticks to show. */
  ticks: z.coerce.number().int().min(1).max(100).default(5),
  label: z.string().default('waiting'),
});

/** Waits with visible progress: a grace period, or the demo runbook's stand-in for a rollout. */
export const waitProgress = defineAction({
  id: 'wait.progress',
  summary: 'Wait for a while, showing progress (a grace period)',
  params: waitParams,
  outputs: ['waited_ms'],
  changes: false,
  class: 'safe',
  describe: (p) => `wait ${p.seconds}s (${p.label}); changes nothing`,
  async run(p, ctx) {
    const started = ctx.ports.clock.now();
    const tick = (p.seconds * 1000) / p.ticks;
    ctx.progress(0, p.ticks, p.label);
    for (let i = 1; i <= p.ticks; i++) {
      await ctx.ports.clock.sleep(tick, ctx.signal);
      ctx.progress(i, p.ticks, p.label);
    }
    return { waited_ms: ctx.ports.clock.now() - started };
  },
});
