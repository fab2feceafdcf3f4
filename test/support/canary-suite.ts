import { describe, expect, it } from 'vitest';
import { canaryRun } from './canary-run.js';
import { canarySpec, shippedRunbooks, SKIPPED } from './canary-specs.js';

/**
 * The secret canary over the shipped runbooks whose index is `part` modulo `parts`: each runs
 * headless in the sandbox with known secret values, and no copy of any (nor of any value Vault
 * holds afterwards) may appear anywhere the run wrote or any process showed.
 */
export function canaryRunbookTests(part: number, parts: number): void {
  const runbooks = shippedRunbooks().filter((_, i) => i % parts === part);
  describe(`secret canaries, runbooks part ${part + 1} of ${parts}`, () => {
    for (const { id, inputs } of runbooks) {
      const skip = SKIPPED[id];
      it.skipIf(Boolean(skip))(
        `${id}: zero copies of any secret${skip ? ` (skipped: ${skip})` : ''}`,
        async () => {
          const result = await canaryRun(id, canarySpec(id, inputs));
          console.info(
            `canary ${id}: ${result.outcome.status}, ${result.canaries} canaries, ${result.commandLines} command lines, ${result.filesScanned} files scanned, ${result.copies.length} copies`,
          );
          expect(result.copies.map((c) => `${c.canary} (${c.form}) in ${c.where}`)).toEqual([]);
          expect(result.failures).toEqual([]);
          expect(result.outcome.exitCode).toBe(0);
        },
        60_000,
      );
    }
  });
}
