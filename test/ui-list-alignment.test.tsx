import { afterEach, describe, expect, it } from 'vitest';
import { Checklist } from '../src/ui/checklist.js';
import { UnfinishedPicker } from '../src/ui/unfinished-picker.js';
import { keys, renderTui, waitForFrame, type Rendered } from './support/ui-render.js';

let screen: Rendered | undefined;
afterEach(() => screen?.unmount());

const long = 'Incident declared; the incident commander knows rotor is rotating every secret';

/** The column at which each item's text starts, and where its wrapped lines continue. */
function columnsOf(frame: string, starts: RegExp): number[] {
  return frame
    .split('\n')
    .filter((line) => starts.test(line))
    .map((line) => line.search(starts));
}

describe('lists keep their columns when an item wraps (80 columns)', () => {
  it('checklist: a wrapped item not under the cursor starts where the others do', async () => {
    screen = renderTui(
      <Checklist
        runbook={{
          id: 'r',
          title: 'T',
          file: 'r.yaml',
          inputs: [],
          checklist: [long, 'Security team informed'],
        }}
        environment={{ name: 'sandbox', protected: false, sandbox: true }}
        onDone={() => undefined}
        onBack={() => undefined}
      />,
    );
    await waitForFrame(screen.lastFrame, 'Before you start');
    screen.stdin.write(keys.down);
    const frame = await waitForFrame(screen.lastFrame, '› [ ] Security');
    const lines = frame.split('\n');
    expect(lines[1]).toMatch(/^ {2}\[ \] Incident declared/);
    expect(lines[2]).toMatch(/^ {6}\S/); // the wrapped rest, under the item's first letter
    expect(lines[3]).toMatch(/^› \[ \] Security/);
  });

  it('select lists: a long label wraps under its own start, the pointer column never shrinks', async () => {
    const label = `${long} (session 2026-12-07T22:00 on sandbox, step 3 of 9)`;
    screen = renderTui(
      <UnfinishedPicker sessions={[{ sessionId: 's1', label }]} limit={5} onAnswer={() => undefined} />,
    );
    await waitForFrame(screen.lastFrame, 'Resume');
    screen.stdin.write(keys.down);
    const frame = await waitForFrame(screen.lastFrame, '› Start a new rotation');
    expect(columnsOf(frame, /Resume Incident/)).toEqual([2]);
    const rest = frame.split('\n')[frame.split('\n').findIndex((l) => l.includes('Resume Incident')) + 1];
    // Never left of the label (Ink keeps the space it broke at, so it may start one to the right).
    expect(rest.search(/\S/)).toBeGreaterThanOrEqual(2);
  });
});
