import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinActions, createActionRegistry } from '../src/actions/index.js';
import { parseRunbook } from '../src/runbook/load.js';
import { loadCatalog, runbookDirs } from '../src/session/catalog.js';
import { packageRoot } from '../src/session/package-root.js';
import { PREBUILT_FILE, prebuiltRunbook } from '../src/session/prebuilt-runbooks.js';

const actions = createActionRegistry();
const shipped = runbookDirs({})[0];
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('shipped runbooks parsed at build time', () => {
  it('the build wrote them, and each equals what parsing the file gives now', () => {
    expect(existsSync(join(packageRoot(), PREBUILT_FILE)), 'npm test builds first').toBe(true);
    const catalog = loadCatalog(actions, [shipped]);
    expect(catalog.size).toBeGreaterThanOrEqual(14);
    for (const [id, loaded] of catalog) {
      const text = readFileSync(loaded.file, 'utf8');
      expect(prebuiltRunbook(loaded.file, sha256(text), actions), `${id} is prebuilt`).toBeDefined();
      const fresh = parseRunbook(text, loaded.file, actions);
      expect(loaded.runbook, id).toEqual(fresh.runbook);
      expect(loaded.hash).toBe(fresh.hash);
      expect(loaded.source).toBe(text);
    }
  });

  it('is not used for other bytes, another folder, or another action registry', () => {
    const file = join(shipped, 'jwt.yaml');
    const hash = sha256(readFileSync(file, 'utf8'));
    expect(prebuiltRunbook(file, hash, actions)).toBeDefined();
    expect(
      prebuiltRunbook(file, sha256('edited'), actions),
      'the file changed since the build',
    ).toBeUndefined();
    expect(
      prebuiltRunbook('/elsewhere/runbooks/jwt.yaml', hash, actions),
      'a copy outside the shipped folder',
    ).toBeUndefined();
    const fewer = createActionRegistry(builtinActions.filter((a) => a.id !== 'kubernetes.force-sync'));
    expect(prebuiltRunbook(file, hash, fewer), 'checked against other actions').toBeUndefined();
  });
});
