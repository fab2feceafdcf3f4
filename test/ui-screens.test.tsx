import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../src/ui/app.js';
import { Secret } from '../src/engine/secret.js';
import type { EnvironmentInfo, RunbookInfo, StartRequest, StartSession } from '../src/session/types.js';
import { keys, renderTui, settle, waitForFrame, type Rendered } from './support/ui-render.js';
import { UsageError } from '../src/errors.js';
import type { GivenInputs } from '../src/runbook/inputs.js';

const environments: EnvironmentInfo[] = [
  {
    name: 'sandbox',
    protected: false,
    sandbox: true,
    description: 'Built-in Vault and Kubernetes emulators: nothing real is touched.',
  },
  { name: 'staging', protected: false, sandbox: false, description: 'The staging cluster' },
  { name: 'production', protected: true, sandbox: false },
];
const runbooks: RunbookInfo[] = [
  {
    id: 'postgres',
    title: 'PostgreSQL static credential rotation',
    description: 'Rotates the password of a PostgreSQL role.',
    file: 'runbooks/postgres.yaml',
    checklist: ['Maintenance window confirmed', 'Stakeholders notified'],
    inputs: [
      {
        name: 'role',
        describe: 'the role to rotate',
        default: 'harmonyflow',
        required: false,
        secret: false,
        pattern: '[a-z_]+',
      },
      {
        name: 'admin_url',
        describe: 'connection URL of a role allowed to ALTER ROLE',
        required: true,
        secret: true,
      },
      {
        name: 'mode',
        required: false,
        secret: false,
        default: 'alternate',
        choices: ['alternate', 'single'],
      },
    ],
  },
  { id: 'demo', title: 'Demo rotation', file: 'runbooks/demo.yaml', checklist: [], inputs: [] },
];

let screen: Rendered | undefined;
afterEach(() => screen?.unmount());

/** The App on the postgres runbook with `inputs` given on the command line; the start requests. */
function openPostgres(inputs: GivenInputs): { rendered: Rendered; requests: StartRequest[] } {
  const { start, requests } = recordingStart();
  const given = { environment: 'sandbox', runbookId: 'postgres', inputs };
  const rendered = renderTui(
    <App
      runbooks={runbooks}
      environments={environments}
      start={start}
      initial={given}
      onExit={() => undefined}
    />,
  );
  screen = rendered;
  return { rendered, requests };
}

/** A StartSession that records the request and never resolves (the run screen is tested elsewhere). */
function recordingStart(): { start: StartSession; requests: StartRequest[] } {
  const requests: StartRequest[] = [];
  return { requests, start: async (r) => (requests.push(r), new Promise(() => undefined)) };
}

describe('environment and runbook pickers', () => {
  it('marks protected and sandbox environments and shows the highlighted description', async () => {
    const onExit = vi.fn();
    screen = renderTui(
      <App runbooks={runbooks} environments={environments} start={recordingStart().start} onExit={onExit} />,
    );
    let frame = await waitForFrame(screen.lastFrame, 'Choose an environment');
    expect(frame).toContain('sandbox  [sandbox · drill]');
    expect(frame).toContain('production  [PROTECTED');
    expect(frame).toContain('Built-in Vault and Kubernetes emulators');
    screen.stdin.write(keys.down);
    frame = await waitForFrame(screen.lastFrame, 'The staging cluster');
    screen.stdin.write(keys.down);
    await settle();
    screen.stdin.write(keys.enter);
    frame = await waitForFrame(screen.lastFrame, 'Choose a runbook');
    expect(frame).toContain('for production [PROTECTED]');
    expect(frame).toContain('PostgreSQL static credential rotation (postgres)');
    expect(frame).toContain('Rotates the password of a PostgreSQL role.');
    expect(frame).toContain('admin_url (secret)');
    screen.stdin.write(keys.escape);
    await waitForFrame(screen.lastFrame, 'Choose an environment');
    screen.stdin.write(keys.ctrlC);
    await settle();
    expect(onExit).toHaveBeenCalledWith(130);
  });

  it('skips the screens the command line answered', async () => {
    const { start, requests } = recordingStart();
    screen = renderTui(
      <App
        runbooks={runbooks}
        environments={environments}
        start={start}
        initial={{ environment: 'sandbox', runbookId: 'demo' }}
        onExit={() => undefined}
      />,
    );
    await waitForFrame(screen.lastFrame, 'Starting the session');
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]).toMatchObject({ runbookId: 'demo', environment: 'sandbox', inputs: {} });
  });

  it('says so when a name from the command line matches nothing', async () => {
    screen = renderTui(
      <App
        runbooks={runbooks}
        environments={environments}
        start={recordingStart().start}
        initial={{ environment: 'prod' }}
        onExit={() => undefined}
      />,
    );
    await waitForFrame(screen.lastFrame, 'No environment named "prod": choose one.');
  });
});

describe('inputs', () => {
  it('never shows a typed secret, checks patterns inline, and passes secrets wrapped', async () => {
    const canary = 'postgres://admin:CANARY-7f3a@db:5432';
    const { start, requests } = recordingStart();
    screen = renderTui(
      <App
        runbooks={runbooks}
        environments={environments}
        start={start}
        initial={{ environment: 'staging', runbookId: 'postgres' }}
        onExit={() => undefined}
      />,
    );
    let frame = await waitForFrame(screen.lastFrame, 'Inputs for PostgreSQL');
    // The cursor starts on the one input that needs a value; the others show theirs.
    expect(frame).toMatch(/› ✘ admin_url +\(none\)/);
    expect(frame).toMatch(/ role +harmonyflow +default/);
    expect(frame).toContain('admin_url is required: connection URL of a role allowed to ALTER ROLE.');
    screen.stdin.write(keys.up);
    frame = await waitForFrame(screen.lastFrame, 'the role to rotate');
    expect(frame).toContain('pattern [a-z_]+');
    // Edit the default into a value that fails the pattern.
    screen.stdin.write(keys.enter);
    await waitForFrame(screen.lastFrame, 'role: harmonyflow▌');
    screen.stdin.write('\u0015');
    screen.stdin.write('App-1');
    await waitForFrame(screen.lastFrame, 'role: App-1');
    screen.stdin.write(keys.enter);
    frame = await waitForFrame(screen.lastFrame, 'does not match the pattern');
    expect(frame).toContain('✘ "App-1" does not match the pattern [a-z_]+ (expected: the role to rotate).');
    for (let i = 0; i < 5; i++) screen.stdin.write(keys.backspace);
    screen.stdin.write('app');
    await waitForFrame(screen.lastFrame, 'role: app▌');
    screen.stdin.write(keys.enter);
    frame = await waitForFrame(screen.lastFrame, (f) => /› {3}role +app +typed/.test(f));
    // A list input: Enter opens its choices, ↓ picks the next.
    screen.stdin.write(keys.down);
    await settle();
    screen.stdin.write(keys.down);
    await waitForFrame(screen.lastFrame, (f) => /› {3}mode/.test(f));
    screen.stdin.write(keys.enter);
    await waitForFrame(screen.lastFrame, '[alternate]');
    screen.stdin.write(keys.down);
    await waitForFrame(screen.lastFrame, '[single]');
    screen.stdin.write(keys.enter);
    await waitForFrame(screen.lastFrame, (f) => /mode +single +typed/.test(f));
    // Accept all: admin_url still has no value, so it is opened, and the run goes on once typed.
    screen.stdin.write('a');
    await waitForFrame(screen.lastFrame, 'admin_url: ▌');
    expect(screen.lastFrame()).toContain('secret: never shown');
    // Typed in pieces and pasted in one go, as terminals deliver it.
    screen.stdin.write(canary.slice(0, 10));
    screen.stdin.write(canary.slice(10));
    frame = await waitForFrame(screen.lastFrame, `admin_url: ${'•'.repeat(canary.length)}▌`);
    screen.stdin.write(keys.enter);
    frame = await waitForFrame(screen.lastFrame, 'Before you start');
    for (const f of screen.frames()) expect(f).not.toContain('CANARY');
    // Checklist gating: Enter with items unticked ticks, it does not start.
    screen.stdin.write(keys.enter);
    frame = await waitForFrame(screen.lastFrame, '1 of 2 checked');
    expect(frame).toContain('[x] Maintenance window confirmed');
    expect(frame).toContain('› [ ] Stakeholders notified');
    expect(requests).toHaveLength(0);
    screen.stdin.write(keys.space);
    frame = await waitForFrame(screen.lastFrame, 'All checked. Press Enter to start');
    expect(requests).toHaveLength(0);
    screen.stdin.write(keys.enter);
    await waitForFrame(screen.lastFrame, 'Starting the session');
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    const inputs = requests[0].inputs;
    expect(inputs.role).toBe('app');
    expect(inputs.mode).toBe('single');
    expect(inputs.admin_url).toBeInstanceOf(Secret);
    expect((inputs.admin_url as Secret).reveal()).toBe(canary);
    expect((inputs.admin_url as Secret).label).toBe('inputs.admin_url');
    for (const f of screen.frames()) expect(f).not.toContain('CANARY');
  });

  it('wraps secret inputs given on the command line too, and leaves out empty answers so defaults apply', async () => {
    const { rendered: screen, requests } = openPostgres({ admin_url: 'postgres://x' });
    // A secret given as plain text is still masked; accepting all leaves defaults to the runbook.
    const frame = await waitForFrame(screen.lastFrame, 'Inputs for PostgreSQL');
    expect(frame).toMatch(/admin_url +•••••• +--set/);
    screen.stdin.write('a');
    await waitForFrame(screen.lastFrame, 'Before you start');
    screen.stdin.write(' ');
    await waitForFrame(screen.lastFrame, '1 of 2');
    screen.stdin.write(' ');
    await waitForFrame(screen.lastFrame, 'All checked');
    screen.stdin.write(keys.enter);
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(Object.keys(requests[0].inputs).sort()).toEqual(['admin_url']);
    expect(requests[0].inputs.admin_url).toBeInstanceOf(Secret);
  });

  it('Esc on the checklist goes back to the inputs with what was typed still there', async () => {
    const { rendered: screen } = openPostgres({ admin_url: 'postgres://x' });
    await waitForFrame(screen.lastFrame, '› ');
    screen.stdin.write(keys.enter); // role, under the cursor
    await waitForFrame(screen.lastFrame, 'role: harmonyflow▌');
    screen.stdin.write('\u0015');
    screen.stdin.write('app');
    screen.stdin.write(keys.enter);
    await waitForFrame(screen.lastFrame, (f) => /role +app +typed/.test(f));
    screen.stdin.write('a');
    await waitForFrame(screen.lastFrame, 'Before you start');
    screen.stdin.write(keys.escape);
    const frame = await waitForFrame(screen.lastFrame, 'Inputs for PostgreSQL');
    expect(frame).toMatch(/role +app +typed/);
    expect(frame).toMatch(/admin_url +•••••• +--set/);
  });

  it('does not ask again for a secret the command line already holds as a Secret', async () => {
    const fromEnv = new Secret('postgres://from-env', 'inputs.admin_url');
    const { rendered: screen, requests } = openPostgres({ admin_url: fromEnv, role: 'app', mode: 'single' });
    // Shown masked, never asked again: one key accepts it with the rest.
    const frame = await waitForFrame(screen.lastFrame, 'Inputs for PostgreSQL');
    expect(frame).toMatch(/admin_url +•••••• +ROTOR_INPUT/);
    expect(frame).toContain('all set');
    screen.stdin.write('a');
    await waitForFrame(screen.lastFrame, 'Before you start');
    screen.stdin.write(' ');
    await waitForFrame(screen.lastFrame, '1 of 2');
    screen.stdin.write(' ');
    await waitForFrame(screen.lastFrame, 'All checked');
    screen.stdin.write(keys.enter);
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0].inputs.admin_url).toBe(fromEnv);
  });

  it('shows why a session was refused and exits with its code', async () => {
    const onExit = vi.fn();
    const start: StartSession = async () => {
      throw new UsageError('runbook demo needs the input "x"', 'pass --set x=<value>');
    };
    screen = renderTui(
      <App
        runbooks={runbooks}
        environments={environments}
        start={start}
        initial={{ environment: 'sandbox', runbookId: 'demo' }}
        onExit={onExit}
      />,
    );
    const frame = await waitForFrame(screen.lastFrame, 'did not start');
    expect(frame).toContain('runbook demo needs the input "x"');
    expect(frame).toContain('→ pass --set x=<value>');
    expect(frame).toContain('Nothing was changed.');
    screen.stdin.write(keys.enter);
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(2));
  });
});
