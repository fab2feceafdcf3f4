import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { startSandbox } from './support/served-sandbox.js';

describe('rotor sandbox, as a new user would use it', () => {
  it('prints VAULT_ADDR, VAULT_TOKEN and KUBECONFIG that curl and kubectl can use, and stops on Ctrl+C', async () => {
    const sandbox = startSandbox();
    try {
      const vars = await sandbox.vars;
      expect(vars.VAULT_ADDR).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const body = execFileSync(
        'curl',
        [
          '-fsS',
          '-H',
          `X-Vault-Token: ${vars.VAULT_TOKEN}`,
          `${vars.VAULT_ADDR}/v1/secret/data/harmonyflow/redis`,
        ],
        { encoding: 'utf8' },
      );
      expect(JSON.parse(body).data.metadata.version).toBe(1);
      const denied = execFileSync(
        'curl',
        [
          '-sS',
          '-o',
          '/dev/null',
          '-w',
          '%{http_code}',
          `${vars.VAULT_ADDR}/v1/secret/data/harmonyflow/redis`,
        ],
        { encoding: 'utf8' },
      );
      expect(denied).toBe('403');
      const deployments = execFileSync(
        'kubectl',
        ['get', 'deployments', '-n', 'harmonyflow-production', '-o', 'name'],
        { encoding: 'utf8', env: { ...process.env, KUBECONFIG: vars.KUBECONFIG } },
      );
      expect(deployments).toContain('deployment.apps/session-state-service');
      const health = execFileSync('curl', ['-fsS', `${vars.ROTOR_SERVICE_URL}/v1/health`], {
        encoding: 'utf8',
      });
      expect(JSON.parse(health)).toEqual({ status: 'ok' });
      sandbox.child.kill('SIGINT');
      expect(await sandbox.exit).toBe(0);
    } finally {
      sandbox.child.kill('SIGKILL');
      sandbox.cleanup();
    }
  });

  it('serves Vault over HTTPS with --tls: curl trusts VAULT_CACERT, refuses without it; the file goes on Ctrl+C', async () => {
    const sandbox = startSandbox(['--tls']);
    try {
      const vars = await sandbox.vars;
      expect(vars.VAULT_ADDR).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(existsSync(vars.VAULT_CACERT)).toBe(true);
      const body = execFileSync(
        'curl',
        [
          '-fsS',
          '--cacert',
          vars.VAULT_CACERT,
          '-H',
          `X-Vault-Token: ${vars.VAULT_TOKEN}`,
          `${vars.VAULT_ADDR}/v1/secret/data/harmonyflow/redis`,
        ],
        { encoding: 'utf8' },
      );
      expect(JSON.parse(body).data.metadata.version).toBe(1);
      // Without the CA the certificate is not trusted: the same refusal a production Vault gets.
      const untrusted = spawnSync('curl', ['-sS', `${vars.VAULT_ADDR}/v1/sys/health`], { encoding: 'utf8' });
      expect(untrusted.status).toBe(60);
      sandbox.child.kill('SIGINT');
      expect(await sandbox.exit).toBe(0);
      expect(existsSync(vars.VAULT_CACERT)).toBe(false);
    } finally {
      sandbox.child.kill('SIGKILL');
      sandbox.cleanup();
    }
  });

  it('starts sealed with --fault vault-sealed, and lists the faults in its help', async () => {
    const help = await runCli(['sandbox', '--help']);
    expect(help.stdout).toContain('pod-crash:<namespace>/<workload>');
    expect(help.stdout).toContain('vault-sealed');
    const sandbox = startSandbox(['--fault', 'vault-sealed']);
    try {
      const vars = await sandbox.vars;
      const code = execFileSync(
        'curl',
        ['-sS', '-o', '/dev/null', '-w', '%{http_code}', `${vars.VAULT_ADDR}/v1/sys/health`],
        { encoding: 'utf8' },
      );
      expect(code).toBe('503');
    } finally {
      sandbox.child.kill('SIGKILL');
      sandbox.cleanup();
    }
  });

  it('refuses an unknown fault, and faults outside the sandbox, with exit 2', async () => {
    const unknown = await runCli(['run', 'demo', '--env', 'sandbox', '--yes', '--fault', 'pod-crsh:a/b']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown fault "pod-crsh:a/b"');
    const outside = await runCli(['run', 'demo', '--env', 'local', '--yes', '--fault', 'vault-sealed']);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('--fault only works with --env sandbox');
  });
});
