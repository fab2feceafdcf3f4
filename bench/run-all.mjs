// Runs every benchmark script in this folder, one after another, each printing its figure.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const scripts = readdirSync(dir)
  .filter(
    (f) => f.endsWith('.mjs') && !['lib.mjs', 'run-all.mjs'].includes(f) && (!only || f.startsWith(only)),
  )
  .sort();
let failed = 0;
for (const script of scripts) {
  const result = spawnSync(process.execPath, [`${dir}/${script}`], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
