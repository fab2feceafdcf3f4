import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startSandboxWorld, type SandboxHandles } from '../src/sandbox/world.js';
import type { World } from '../src/session/world.js';
import { runCli, tempHome } from './support/cli.js';

type Manifest = Record<string, any>;

const home = tempHome();
afterAll(() => home.cleanup());

/** Every document `rotor cronjob` prints, by kind. */
async function documents(...args: string[]): Promise<Record<string, Manifest>> {
  const result = await runCli(['cronjob', ...args], { ROTOR_HOME: home.home });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const docs = parseAllDocuments(result.stdout).map((d) => d.toJS() as Manifest);
  return Object.fromEntries(docs.map((d) => [d.kind, d]));
}

async function cronjob(...args: string[]): Promise<Manifest> {
  return (await documents(...args)).CronJob;
}

const podSpec = (m: Manifest) => m.spec.jobTemplate.spec.template.spec;

describe('rotor cronjob', () => {
  it("--token-from volume: the guide's CronJob running rotor run --due --yes --json, the Vault token from a Secret volume", async () => {
    const m = await cronjob('--token-from', 'volume');
    expect(m).toMatchObject({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'secret-rotation', namespace: 'vault' },
    });
    expect(m.spec).toMatchObject({ schedule: '0 2 1 * *', concurrencyPolicy: 'Forbid' });
    const pod = podSpec(m);
    expect(pod).toMatchObject({ serviceAccountName: 'vault-init', restartPolicy: 'OnFailure' });
    const [container] = pod.containers;
    expect(container.command).toEqual(['/bin/sh', '-c']);
    expect(container.args[0]).toContain('export VAULT_TOKEN="$(cat /etc/vault-token/token)"');
    expect(container.args[0]).toContain('exec rotor run --due --yes --json --env local');
    expect(container.env).toContainEqual({ name: 'VAULT_ADDR', value: 'https://vault.vault:8200' });
    expect(container.env.find((e: Manifest) => e.name === 'VAULT_TOKEN')).toBeUndefined();
    expect(container.volumeMounts).toContainEqual({
      name: 'vault-token',
      mountPath: '/etc/vault-token',
      readOnly: true,
    });
    expect(pod.volumes).toContainEqual({
      name: 'vault-token',
      secret: { secretName: 'vault-admin-token', defaultMode: 0o400 },
    });
  });

  it('takes the schedule, service account, environment and token source from flags; never a literal token', async () => {
    const m = await cronjob(
      '--schedule',
      '*/15 3 * * 1-5',
      '--service-account',
      'rotor',
      '--env',
      'staging',
      '--token-from',
      'env',
      '--token-secret',
      'rotor-vault',
    );
    expect(m.spec.schedule).toBe('*/15 3 * * 1-5');
    const pod = podSpec(m);
    expect(pod.serviceAccountName).toBe('rotor');
    const [container] = pod.containers;
    expect([...container.command, ...container.args]).toEqual([
      'rotor',
      'run',
      '--due',
      '--yes',
      '--json',
      '--env',
      'staging',
    ]);
    expect(container.env).toContainEqual({
      name: 'VAULT_TOKEN',
      valueFrom: { secretKeyRef: { name: 'rotor-vault', key: 'token' } },
    });
    expect(JSON.stringify(m)).not.toMatch(/hvs\.|s\.[A-Za-z0-9]{24}/);
  });

  it('by default logs in with Kubernetes auth: a ServiceAccount, a Role and RoleBinding per namespace rotor touches, no token anywhere', async () => {
    const result = await runCli(['cronjob', '--touches', 'redis-production,postgresql'], {
      ROTOR_HOME: home.home,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^# Vault: the CronJob logs in with its service account/);
    expect(result.stdout).toContain('vault write auth/kubernetes/role/rotor');
    expect(result.stdout).toContain(
      'bound_service_account_names=rotor bound_service_account_namespaces=vault',
    );
    const docs = parseAllDocuments(result.stdout).map((d) => d.toJS() as Manifest);
    const kinds = docs.map((d) => `${d.kind} ${d.metadata.namespace}`);
    expect(kinds).toEqual([
      'ServiceAccount vault',
      'Role redis-production',
      'RoleBinding redis-production',
      'Role postgresql',
      'RoleBinding postgresql',
      'PersistentVolumeClaim vault',
      'CronJob vault',
    ]);
    const role = docs.find((d) => d.kind === 'Role')!;
    const verbs = role.rules.flatMap((r: Manifest) => r.verbs);
    expect(verbs).not.toContain('delete');
    expect(verbs).not.toContain('update');
    // The only create is a port-forward's (a connection, not an object).
    expect(
      role.rules.filter((r: Manifest) => r.verbs.includes('create')).map((r: Manifest) => r.resources),
    ).toEqual([['pods/portforward']]);
    expect(role.rules).toContainEqual({
      apiGroups: [''],
      resources: ['pods/portforward'],
      verbs: ['create'],
    });
    const binding = docs.find((d) => d.kind === 'RoleBinding')!;
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'rotor', namespace: 'vault' }]);
    const cron = docs.at(-1)!;
    const pod = podSpec(cron);
    expect(pod.serviceAccountName).toBe('rotor');
    expect(pod.containers[0].command).toEqual(['rotor']);
    expect(pod.containers[0].env).toContainEqual({ name: 'VAULT_K8S_ROLE', value: 'rotor' });
    expect(JSON.stringify(cron)).not.toMatch(/VAULT_TOKEN|vault-admin-token|secretKeyRef/);
  });

  it('keeps journals on a PersistentVolumeClaim it prints first, named by --journal-claim', async () => {
    const docs = await documents('--journal-claim', 'rotor-state');
    expect(docs.PersistentVolumeClaim).toMatchObject({
      metadata: { name: 'rotor-state', namespace: 'vault' },
      spec: { accessModes: ['ReadWriteOnce'] },
    });
    expect(podSpec(docs.CronJob).volumes).toContainEqual({
      name: 'rotor-state',
      persistentVolumeClaim: { claimName: 'rotor-state' },
    });
    expect(podSpec(docs.CronJob).containers[0].volumeMounts).toContainEqual({
      name: 'rotor-state',
      mountPath: '/var/lib/rotor',
    });
  });

  it('--parallelism N: an Indexed Job of N pods, each told the count, on a claim they can share', async () => {
    const docs = await documents('--parallelism', '3');
    expect(docs.CronJob.spec.jobTemplate.spec).toMatchObject({
      completionMode: 'Indexed',
      completions: 3,
      parallelism: 3,
      backoffLimit: 0,
    });
    expect(podSpec(docs.CronJob).containers[0].env).toContainEqual({ name: 'JOB_COMPLETIONS', value: '3' });
    expect(docs.PersistentVolumeClaim.spec.accessModes).toEqual(['ReadWriteMany']);
    const bad = await runCli(['cronjob', '--parallelism', '0'], { ROTOR_HOME: home.home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--parallelism 0: expected a whole number from 1 to 99');
  });

  it('refuses a schedule Kubernetes would refuse, with exit 2', async () => {
    const result = await runCli(['cronjob', '--schedule', '0 0 2 1 * *'], { ROTOR_HOME: home.home });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a five-field cron expression');
  });

  describe('against the Kubernetes emulator', () => {
    let world: World & { sandbox: SandboxHandles };
    beforeAll(async () => {
      world = await startSandboxWorld({ readinessDelayMs: 20 });
    });
    afterAll(async () => {
      await world?.close();
    });

    it('is accepted as it is printed (created through the API, read back the same)', async () => {
      for (const flags of [
        [],
        ['--token-from', 'volume', '--name', 'rotation-volume'],
        ['--token-from', 'env', '--name', 'rotation-env'],
      ]) {
        const m = await cronjob(...flags);
        await world.ports.kube!.createCronJob('vault', m);
        const stored = (await world.ports.kube!.getCronJob({
          namespace: 'vault',
          name: m.metadata.name,
        })) as Manifest;
        expect(stored.spec).toMatchObject({ schedule: m.spec.schedule, concurrencyPolicy: 'Forbid' });
        expect(podSpec(stored).containers[0].args).toEqual(podSpec(m).containers[0].args);
      }
    });
  });

  it('--apply installs it in an environment through a journalled session', async () => {
    const result = await runCli(['cronjob', '--apply', 'sandbox', '--yes', '--schedule', '30 1 * * 0'], {
      ROTOR_HOME: home.home,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('created CronJob vault/secret-rotation');
    expect(result.stdout).toMatch(/journal: .*\/sessions\//);
  });
});
