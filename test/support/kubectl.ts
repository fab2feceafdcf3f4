import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { KubeEmulator } from '../../src/sandbox/kubernetes/index.js';

/** The machine's own kubectl (tests that need it are skipped only when it is not installed). */
export const KUBECTL = '/usr/bin/kubectl';
export const hasKubectl = existsSync(KUBECTL);

/** Runs kubectl against the emulator with a clean environment, as a new user would. */
export function kubectlFor(kube: () => KubeEmulator, home: () => string) {
  return (...args: string[]) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile(
        KUBECTL,
        args,
        { env: { PATH: process.env.PATH, HOME: home(), KUBECONFIG: kube().kubeconfigPath }, timeout: 25_000 },
        (error, out, err) =>
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out, err }),
      );
    });
}
