import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { Secret } from '../../src/engine/secret.js';
import type { CanarySpec } from './canary-run.js';

/** The shipped runbooks, by id, with their declared inputs. */
export function shippedRunbooks(): Array<{ id: string; inputs: string[] }> {
  const dir = resolve(import.meta.dirname, '../../runbooks');
  return readdirSync(dir)
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()
    .map((n) => parse(readFileSync(join(dir, n), 'utf8')) as { id: string; inputs?: Record<string, unknown> })
    .map((r) => ({ id: r.id, inputs: Object.keys(r.inputs ?? {}) }));
}

/** Short waits, for every runbook that declares them. */
const FAST: Record<string, string> = {
  sync_timeout_seconds: '10',
  rollout_timeout_seconds: '20',
  grace_seconds: '0',
};

/**
 * A rotation script that does what careless scripts do: prints what it received (the JSON on
 * stdin and ROTOR_VALUE_PASSWORD). rotor must scrub both before they become events.
 */
export function echoingScript(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rotor-canary-script-'));
  const path = join(dir, 'rotate.sh');
  writeFileSync(
    path,
    '#!/bin/sh\nread -r input || true\necho "received: $input"\necho "env: ${ROTOR_VALUE_PASSWORD:-}" >&2\nexit 0\n',
  );
  chmodSync(path, 0o700);
  return path;
}

/** Runbooks that cannot run headless in the sandbox, with the reason. */
export const SKIPPED: Record<string, string> = {};

/** Per-runbook inputs and preparation; every other runbook runs with its defaults. */
export function canarySpec(id: string, declared: readonly string[]): CanarySpec {
  const inputs = Object.fromEntries(Object.entries(FAST).filter(([k]) => declared.includes(k)));
  switch (id) {
    case 'custom-script': {
      const script = echoingScript();
      return {
        inputs: {
          ...inputs,
          secret_path: 'harmonyflow/iot-api-key',
          script_path: script,
          verify_script_path: script,
          timeout_seconds: '20',
        },
      };
    }
    case 'vault-recovery':
      return {
        inputs,
        prepare: (world, given) => {
          const { vault } = world.sandbox;
          vault.seal();
          given.unseal_keys = new Secret(
            vault.unsealKeys.slice(0, vault.threshold).join(','),
            'inputs.unseal_keys',
          );
          // The other shares are secrets too.
        },
      };
    default:
      return { inputs };
  }
}
