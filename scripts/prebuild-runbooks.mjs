// Parses and checks the shipped runbooks once, at build time, into dist/runbooks.prebuilt.json
// (see src/session/prebuilt-runbooks.ts): starts then skip ~100 ms of YAML parsing and checks.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createActionRegistry } from '../dist/src/actions/index.js';
import { parseRunbook } from '../dist/src/runbook/load.js';
import { PREBUILT_FILE, registryFingerprint } from '../dist/src/session/prebuilt-runbooks.js';

const actions = createActionRegistry();
const runbooks = {};
for (const name of readdirSync('runbooks')
  .filter((n) => /\.ya?ml$/.test(n))
  .sort()) {
  const file = join(process.cwd(), 'runbooks', name);
  // A shipped runbook that fails to load fails the build: it would fail every start anyway.
  const { runbook, hash } = parseRunbook(readFileSync(file, 'utf8'), file, actions);
  runbooks[name] = { hash, runbook };
}
writeFileSync(PREBUILT_FILE, JSON.stringify({ registry: registryFingerprint(actions), runbooks }));
