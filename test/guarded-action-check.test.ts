import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { builtinActions } from '../src/actions/index.js';
import { defineAction, type ActionDefinition } from '../src/actions/types.js';

/**
 * A guarded action changes something and is run again on resume only after its `check` asked the
 * real system: the type says so, so a guarded action without a check does not compile
 * (`npm run typecheck` covers test/, so each `@ts-expect-error` below fails the build if the
 * line it marks ever compiles).
 */
const base = {
  id: 'test.change',
  summary: 'changes something',
  params: z.object({ key: z.string() }),
  outputs: [],
  changes: true,
  describe: () => 'change something',
  run: async () => ({}),
};

// @ts-expect-error a guarded action must say how resume finds out whether its change happened
const missing = defineAction({ ...base, class: 'guarded' });

// @ts-expect-error the same for a definition written without defineAction
const untyped: ActionDefinition<{ key: string }> = { ...base, class: 'guarded' };

const guarded = defineAction({ ...base, class: 'guarded', check: async () => 'cannot-tell' });
const safe = defineAction({ ...base, class: 'safe' });
const final = defineAction({ ...base, class: 'point-of-no-return' });

describe('every guarded action has a check', () => {
  it('compiles a guarded action with a check and other classes without one', () => {
    expect([missing, untyped, guarded, safe, final].map((a) => a.class)).toEqual([
      'guarded',
      'guarded',
      'guarded',
      'safe',
      'point-of-no-return',
    ]);
  });

  it('holds for every built-in action', () => {
    const guardedActions = builtinActions.filter((a) => a.class === 'guarded');
    expect(guardedActions.length).toBeGreaterThanOrEqual(20);
    const without = guardedActions.filter((a) => typeof a.check !== 'function').map((a) => a.id);
    expect(without, 'guarded actions without a check').toEqual([]);
  });
});
