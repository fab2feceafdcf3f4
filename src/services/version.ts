import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../session/package-root.js';

/** rotor's version from its package.json; kept apart so `--version` loads nothing else. */
export function rotorVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string })
    .version;
}
