import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputsForm } from '../src/ui/inputs-form.js';
import type { RunbookInfo } from '../src/session/types.js';
import { keys, renderTui, waitForFrame, type Rendered } from './support/ui-render.js';

const field = (
  name: string,
  over: Partial<RunbookInfo['inputs'][number]> = {},
): RunbookInfo['inputs'][number] => ({
  name,
  required: false,
  secret: false,
  default: `${name}-default`,
  ...over,
});
const runbook: RunbookInfo = { id: 'r', title: 'Fast typist', file: 'r.yaml', checklist: [], inputs: [] };

let screen: Rendered | undefined;
afterEach(() => screen?.unmount());

describe('inputs form under keys faster than the screen', () => {
  it('each Enter accepts the field the previous one moved to, even before a redraw', async () => {
    const fields = [field('a'), field('b', { secret: true, default: undefined }), field('c'), field('d')];
    const onDone = vi.fn();
    screen = renderTui(
      <InputsForm runbook={runbook} fields={fields} onDone={onDone} onBack={() => undefined} />,
    );
    await waitForFrame(screen.lastFrame, '(1 of 4)');
    // All in one turn of the event loop: React has not re-rendered between these keys.
    screen.stdin.write(keys.enter);
    screen.stdin.write('s3cret');
    screen.stdin.write(keys.enter);
    screen.stdin.write(keys.enter);
    screen.stdin.write(keys.backspace);
    screen.stdin.write('X');
    screen.stdin.write(keys.enter);
    await vi.waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    // The secret went to b only, and d was edited from its own default, not from c's value.
    expect(onDone).toHaveBeenCalledWith({ a: 'a-default', b: 's3cret', c: 'c-default', d: 'd-defaulX' });
  });
});
