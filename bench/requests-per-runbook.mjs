// Figure: requests per runbook, counted where they arrive (the served sandbox's Vault and
// Kubernetes API), one headless `rotor run <id> --env local --yes` each against the sandbox as
// `rotor sandbox --tls` serves it. Also the sum of the steps' own `requests` (docs/events.md):
// what is left is the session's (preflight, lock, history, status). No latency: this counts.
// ROTOR_CLI=<other build>/dist/bundle/cli.js counts another build (before/after in one sitting).
import { CLI, report } from './lib.mjs';
import { startRedisServers } from './support/redis-servers.mjs';
import { runRotor, serveSandbox } from './support/served-sandbox.mjs';
import { withDeadline } from './support/net.mjs';

const cli = process.env.ROTOR_CLI ?? CLI;
const world = await serveSandbox(50);
const { vault, kube } = world.sandbox;
const redis = await startRedisServers(
  Array.from({ length: 3 }, () => ({ password: String(vault.kvRead('harmonyflow/redis').data.password) })),
);
const RUNBOOKS = {
  'api-key': [],
  jwt: [],
  generic: [],
  'encryption-key': [],
  certificate: [],
  redis: [`nodes=${redis.nodes.join(',')}`],
};
const fields = { cli: cli === CLI ? 'this build' : cli };
try {
  for (const [runbook, sets] of Object.entries(RUNBOOKS)) {
    const before = { vault: vault.counts.requests, kube: kube.counts.requests ?? 0 };
    const run = await withDeadline(
      runRotor(world, vault.url, runbook, sets, { cli }),
      180_000,
      `rotor run ${runbook}`,
    );
    const steps = run.events.filter((e) => e.type === 'step-succeeded' && e.requests);
    fields[`${runbook}_vault`] = vault.counts.requests - before.vault;
    fields[`${runbook}_kube`] = (kube.counts.requests ?? 0) - before.kube;
    if (steps.length)
      fields[`${runbook}_steps_vault`] = steps.reduce((n, e) => n + (e.requests.vault ?? 0), 0);
  }
} finally {
  await redis.close();
  await world.close();
}
report('requests-per-runbook', fields);
