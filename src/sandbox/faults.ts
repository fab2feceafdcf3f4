import { randomBytes } from 'node:crypto';
import { UsageError } from '../errors.js';
import type { SandboxHandles } from './world.js';

/** A fault a trainee can switch on to rehearse a failure, and what it does. */
export interface FaultKind {
  pattern: string;
  describe: string;
  /** Switches the fault on; returns how to switch it off again. */
  apply(world: SandboxHandles, arg: string): () => void;
}

const split = (arg: string, what: string): [string, string] => {
  const [namespace, name] = arg.split('/');
  if (!namespace || !name) throw new UsageError(`--fault needs ${what} as namespace/name, got "${arg}"`);
  return [namespace, name];
};

/** The faults `--fault` accepts, as `rotor sandbox --help` lists them. */
export const FAULTS: Record<string, FaultKind> = {
  'vault-sealed': {
    pattern: 'vault-sealed',
    describe: 'Vault starts sealed (rehearse vault-recovery; the unseal keys are printed by `rotor sandbox`)',
    apply: (w) => {
      w.vault.seal();
      return () => w.vault.unseal();
    },
  },
  'vault-error': {
    pattern: 'vault-error:<status>:<path-prefix>',
    describe:
      'Vault answers <status> (e.g. 503) to requests under a path (e.g. secret/data/harmonyflow/redis)',
    apply: (w, arg) => {
      const [status, ...rest] = arg.split(':');
      if (!/^[45]\d\d$/.test(status ?? '') || rest.length === 0)
        throw new UsageError(`--fault vault-error:${arg}: expected vault-error:<4xx|5xx>:<path-prefix>`);
      return w.vault.injectFault({ status: Number(status), path: rest.join(':') });
    },
  },
  'pod-crash': {
    pattern: 'pod-crash:<namespace>/<workload>',
    describe: 'new pods of a workload crash-loop (a rollout gets stuck)',
    apply: (w, arg) => {
      const [namespace, workload] = split(arg, 'a workload');
      return w.kube.injectFailure({
        kind: 'pod',
        namespace,
        workload,
        reason: 'CrashLoopBackOff',
        message: 'back-off restarting failed container (fault injected by --fault)',
      });
    },
  },
  'vault-ahead': {
    pattern: 'vault-ahead:<secret_path>',
    describe:
      'Vault gets a newer version of a KV secret (same keys, new random values) that External Secrets has not synced: drift for `rotor check`',
    apply: (w, arg) => {
      const current = w.vault.kvRead(arg);
      if (!arg || !current) throw new UsageError(`--fault vault-ahead:${arg}: no KV secret at secret/${arg}`);
      w.vault.kvWrite(
        arg,
        Object.fromEntries(Object.keys(current.data).map((k) => [k, randomBytes(24).toString('hex')])),
      );
      return () => {};
    },
  },
  'sync-stuck': {
    pattern: 'sync-stuck:<namespace>/<externalsecret>',
    describe: 'an ExternalSecret never syncs (force-sync times out)',
    apply: (w, arg) => {
      const [namespace, name] = split(arg, 'an ExternalSecret');
      return w.kube.injectFailure({ kind: 'external-secret', namespace, name });
    },
  },
};

/** `<fault>@<seconds>`: the fault heals itself after that long, so a rehearsal can see a rollback succeed. */
function splitDuration(spec: string): { body: string; seconds?: number } {
  const match = /^(.*)@(\d+(?:\.\d+)?)s?$/.exec(spec);
  return match ? { body: match[1], seconds: Number(match[2]) } : { body: spec };
}

/** Parses and applies `--fault` values; an unknown one is a usage error listing the known. */
export function applyFaults(world: SandboxHandles, specs: readonly string[]): void {
  for (const spec of specs) {
    const { body, seconds } = splitDuration(spec);
    const [kind, ...rest] = body.split(':');
    const fault = FAULTS[kind];
    if (!fault)
      throw new UsageError(
        `unknown fault "${spec}"`,
        `known faults: ${Object.values(FAULTS)
          .map((f) => f.pattern)
          .join(', ')}`,
      );
    const heal = fault.apply(world, rest.join(':'));
    if (seconds !== undefined) setTimeout(heal, seconds * 1000).unref();
  }
}

/** Checks `--fault` values before anything starts, so a typo is refused with nothing changed. */
export function checkFaults(specs: readonly string[]): void {
  for (const spec of specs) {
    const kind = splitDuration(spec).body.split(':')[0];
    if (!FAULTS[kind])
      throw new UsageError(
        `unknown fault "${spec}"`,
        `known faults: ${Object.values(FAULTS)
          .map((f) => f.pattern)
          .join(', ')}`,
      );
  }
}

export function faultHelp(): string {
  return [
    ...Object.values(FAULTS).map((f) => `  ${f.pattern.padEnd(40)} ${f.describe}`),
    '  <fault>@<seconds>                        the fault heals itself after that long (see a rollback succeed)',
  ].join('\n');
}
