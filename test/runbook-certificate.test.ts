import { describe, expect, it } from 'vitest';
import { forgeX509 } from '../src/adapters/x509.js';
import type { SandboxHandles } from '../src/sandbox/world.js';
import { runInSandbox, succeeded } from './support/sandbox-run.js';

const fast = { sync_timeout_seconds: '10', rollout_timeout_seconds: '5' };
const PATH = 'harmonyflow/tls';

async function revokedAt(vault: SandboxHandles['vault'], serial: string): Promise<number> {
  return ((await vault.call('GET', `pki/cert/${serial}`)).body as { data: { revocation_time: number } }).data
    .revocation_time;
}

async function caPem(vault: SandboxHandles['vault']): Promise<string> {
  return ((await vault.call('GET', 'pki/cert/ca')).body as { data: { certificate: string } }).data
    .certificate;
}

function k8sTls(kube: SandboxHandles['kube']): Record<string, string> {
  const secret = kube.get('Secret', 'harmonyflow-production', 'session-state-service-tls') as unknown as {
    data: Record<string, string>;
  };
  return Object.fromEntries(
    Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
  );
}

/** A line from the middle of a PEM key: what would show if the key leaked. */
const keyLine = (pem: string) => pem.split('\n')[5];

describe('runbook certificate in the sandbox', () => {
  it('issues, validates, deploys and rolls out a new certificate, then revokes the old one', async () => {
    const run = await runInSandbox('certificate', { inputs: fast });
    try {
      expect(run.failures).toEqual([]);
      expect(run.outcome).toEqual({ status: 'succeeded', exitCode: 0 });
      const { vault, kube } = run.world.sandbox;
      const old = vault.kvRead(PATH, { version: 1 })!.data as Record<string, string>;
      const now = vault.kvRead(PATH)!;
      expect(now.version).toBe(2);
      const cert = now.data as Record<string, string>;
      const facts = forgeX509.inspect(cert['tls.crt']);
      expect(facts.subjectCommonName).toBe('api.harmonyflow.io');
      expect(facts.serial).toBe(cert.serial);
      expect(facts.serial).not.toBe(old.serial);
      expect(forgeX509.signedBy(cert['tls.crt'], await caPem(vault))).toBe(true);
      expect(forgeX509.keyMatches(cert['tls.crt'], cert['tls.key'])).toBe(true);
      // Kubernetes holds the new certificate.
      expect(k8sTls(kube)['tls.crt']).toBe(cert['tls.crt']);
      expect(k8sTls(kube)['tls.key']).toBe(cert['tls.key']);
      // The old certificate is revoked, the new one is not.
      expect(await revokedAt(vault, old.serial)).toBeGreaterThan(0);
      expect(await revokedAt(vault, cert.serial)).toBe(0);
      expect(succeeded(run.events)).toEqual([
        'backup',
        'current',
        'issue',
        'ca',
        'stage',
        'validate',
        'deploy',
        'sync',
        'restart',
        'deployed',
        'revoke-old',
      ]);
      // No private key reached the journal.
      for (const key of [old['tls.key'], cert['tls.key']]) expect(run.journal).not.toContain(keyLine(key));
    } finally {
      await run.close();
    }
  });

  it('rolls back when validation fails (a name the certificate does not cover): the old certificate stays deployed and valid', async () => {
    const run = await runInSandbox('certificate', {
      inputs: { ...fast, expect_names: 'api.harmonyflow.io, sessions.harmonyflow.io' },
    });
    try {
      expect(run.outcome).toMatchObject({ status: 'rolled-back', exitCode: 1 });
      expect(run.failures).toEqual([
        expect.stringMatching(
          /^validate: certificate [0-9a-f:]+ failed validation: it does not cover sessions\.harmonyflow\.io/,
        ),
      ]);
      const { vault, kube } = run.world.sandbox;
      const old = vault.kvRead(PATH, { version: 1 })!.data as Record<string, string>;
      // Nothing was deployed: Vault and Kubernetes hold the old certificate.
      expect(vault.kvRead(PATH)!.version).toBe(1);
      expect(k8sTls(kube)['tls.crt']).toBe(old['tls.crt']);
      // The old certificate still works: not revoked, chains to the CA, still valid.
      expect(await revokedAt(vault, old.serial)).toBe(0);
      expect(forgeX509.signedBy(old['tls.crt'], await caPem(vault))).toBe(true);
      expect(forgeX509.inspect(old['tls.crt']).notAfter.getTime()).toBeGreaterThan(Date.now());
      // The new certificate nobody deployed was revoked by the undo.
      const issued = run.events.find(
        (e) => e.type === 'step-succeeded' && e.stepId === 'issue',
      ) as unknown as { outputs: { serial: string } };
      expect(await revokedAt(vault, issued.outputs.serial)).toBeGreaterThan(0);
      // The staged copy of the new key went first, then the certificate itself.
      expect(run.events.filter((e) => e.type === 'step-rolled-back').map((e) => e.stepId)).toEqual([
        'stage',
        'issue',
      ]);
      expect(vault.kvRead(`${PATH}.pending`), 'no staged key is left behind').toBeNull();
      expect(succeeded(run.events)).not.toContain('revoke-old');
    } finally {
      await run.close();
    }
  });
});
