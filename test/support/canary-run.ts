import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineEvent, Outcome } from '../../src/engine/types.js';
import { Secret } from '../../src/engine/secret.js';
import { markdownReport } from '../../src/ui/markdown-report.js';
import type { JournalRecord } from '../../src/journal/record.js';
import type { GivenInputs } from '../../src/runbook/inputs.js';
import type { SandboxHandles } from '../../src/sandbox/world.js';
import type { World } from '../../src/session/world.js';
import { createPlainReporter } from '../../src/ui/plain-reporter.js';
import {
  canarySecrets,
  filesChangedSince,
  findCopies,
  sampleCommandLines,
  scanFiles,
  type Canary,
  type Copy,
} from './canary-scan.js';
import { runInSandbox } from './sandbox-run.js';

type SandboxWorld = World & { sandbox: SandboxHandles };

/** How to run one runbook for the canary test. */
export interface CanarySpec {
  inputs?: GivenInputs;
  /** Runs once the world is up; may add inputs (and the canaries they carry). */
  prepare?: (world: SandboxWorld, inputs: GivenInputs, canaries: Canary[]) => void | Promise<void>;
  /** Files that are the test's own (a script's capture), not rotor's. */
  skipFiles?: (path: string) => boolean;
  /** More text to scan after the run (a server log). */
  extraText?: () => Promise<Record<string, string>>;
  /** As --allow-real-targets: the run names a real server on purpose. */
  allowRealTargets?: boolean;
}

/** What one canary run found. */
export interface CanaryResult {
  outcome: Outcome;
  failures: string[];
  canaries: number;
  commandLines: number;
  filesScanned: number;
  copies: Copy[];
}

/** Every KV path under the `secret/` mount, listed through the emulator's API. */
async function kvPaths(vault: SandboxHandles['vault'], prefix = ''): Promise<string[]> {
  const reply = await vault.call('LIST', `secret/metadata/${prefix}`);
  const keys = ((reply.body as { data?: { keys?: string[] } } | undefined)?.data?.keys ?? []) as string[];
  const out: string[] = [];
  for (const key of keys)
    out.push(...(key.endsWith('/') ? await kvPaths(vault, prefix + key) : [prefix + key]));
  return out;
}

const NOT_SECRET = new Set([
  'username',
  'host',
  'port',
  'database',
  'role',
  'common_name',
  'serial',
  'serial_number',
  'expiration',
  'issuing_ca',
  'certificate',
  'ca_chain',
  'not_after',
]);

/** Every value Vault holds after the run, in every version: new secrets are canaries too. */
async function secretsAfter(world: SandboxWorld): Promise<Canary[]> {
  const { vault } = world.sandbox;
  const out: Canary[] = [{ label: 'vault root token', value: vault.rootToken }];
  // rotor's own records (locks, policies, history: session ids, operators, times) hold no secrets.
  for (const path of (await kvPaths(vault)).filter((p) => !p.startsWith('rotor/'))) {
    const current = vault.kvRead(path)?.version ?? 0;
    for (let version = 1; version <= Math.max(current, 1) + 2; version++) {
      const entry = vault.kvRead(path, { version });
      for (const [field, value] of Object.entries(entry?.data ?? {})) {
        if (
          typeof value === 'string' &&
          value.length >= 8 &&
          !NOT_SECRET.has(field) &&
          !/BEGIN CERTIFICATE/.test(value)
        )
          out.push({ label: `vault ${path}#${field} v${version}`, value });
      }
    }
  }
  const creds = await vault.call('GET', 'database/static-creds/harmonyflow');
  const password = (creds.body as { data?: { password?: string } } | undefined)?.data?.password;
  if (password) out.push({ label: 'database static-creds harmonyflow', value: password });
  return out;
}

/**
 * Runs a shipped runbook headless in the sandbox with canary seed secrets and scans everything
 * the run left: journal, Markdown report, --json events, plain output, errors, the state and
 * temp directories, and the command line of every process seen during the run.
 */
export async function canaryRun(runbookId: string, spec: CanarySpec = {}): Promise<CanaryResult> {
  const { secrets, canaries } = canarySecrets();
  const home = mkdtempSync(join(tmpdir(), 'rotor-canary-home-'));
  const savedHome = process.env.ROTOR_HOME;
  process.env.ROTOR_HOME = home;
  const inputs: GivenInputs = { ...spec.inputs };
  const plain: string[] = [];
  const report = createPlainReporter((line) => plain.push(line));
  const since = Date.now();
  const sampler = sampleCommandLines();
  let commandLines: string[] = [];
  let run: Awaited<ReturnType<typeof runInSandbox>> | undefined;
  try {
    run = await runInSandbox(runbookId, {
      inputs,
      secrets,
      readinessDelayMs: 20,
      allowRealTargets: spec.allowRealTargets,
      prepare: async (world) => {
        await spec.prepare?.(world, inputs, canaries);
        for (const [name, value] of Object.entries(inputs))
          if (value instanceof Secret) canaries.push({ label: `input ${name}`, value: value.reveal() });
      },
      onEvent: (event: EngineEvent) => report(event),
    });
  } finally {
    commandLines = await sampler.stop();
    if (savedHome === undefined) delete process.env.ROTOR_HOME;
    else process.env.ROTOR_HOME = savedHome;
  }
  try {
    canaries.push(...(await secretsAfter(run.world)));
    const all = canaries.filter((c) => c.value.length >= 6);
    const records = run.journal
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as JournalRecord);
    const sessionId = String((records[0] as { sessionId?: string }).sessionId ?? 'session');
    const texts: Record<string, string> = {
      journal: run.journal,
      'markdown report': markdownReport(sessionId, { path: 'journal', records }),
      '--json events': run.events.map((e) => JSON.stringify(e)).join('\n'),
      'plain output': plain.join('\n'),
      'error messages': run.failures.join('\n'),
      ...(await spec.extraText?.()),
    };
    const copies: Copy[] = Object.entries(texts).flatMap(([where, text]) => findCopies(text, all, where));
    copies.push(...commandLines.flatMap((argv) => findCopies(argv, all, `argv of ${argv.slice(0, 80)}`)));
    const files = [
      ...filesChangedSince(home, since),
      ...filesChangedSince(tmpdir(), since, (p) => p === home || Boolean(spec.skipFiles?.(p))),
    ];
    copies.push(...scanFiles(files, all));
    return {
      outcome: run.outcome,
      failures: run.failures,
      canaries: all.length,
      commandLines: commandLines.length,
      filesScanned: files.length,
      copies,
    };
  } finally {
    await run.close();
    rmSync(home, { recursive: true, force: true });
  }
}
