import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { defineAction, type ActionContext } from '../types.js';
import {
  casConflict,
  describeKeys,
  kvDataParam,
  kvLocationParams,
  locate,
  restoreVersion,
  shown,
  versionParam,
  vaultPort,
  wrapData,
} from './common.js';
import { isVaultError, type KvData } from '../../ports/vault-port.js';
import { kvCurrentVersion, kvVersionBefore, kvWrittenSince } from './kv-version-check.js';

export const kvRead = defineAction({
  id: 'vault.kv-read',
  summary: 'Read a KV v2 secret (values stay masked)',
  params: z.object({ ...kvLocationParams, version: versionParam.optional(), field: z.string().optional() }),
  outputs: ['data', 'version', 'value'],
  changes: false,
  class: 'safe',
  describe: (p) =>
    `read ${shown(locate(p))}${p.version ? ` version ${p.version}` : ''}${p.field ? ` (field ${p.field})` : ''}; changes nothing`,
  async run(p, ctx) {
    const at = locate(p);
    const secret = await vaultPort(ctx).kvRead(at, { version: p.version || undefined, signal: ctx.signal });
    const data = wrapData(secret.data, ctx, `steps.${ctx.stepId}.data`);
    if (p.field && !(p.field in data)) {
      throw new RotorError(`${shown(at)} version ${secret.version} has no field "${p.field}"`, {
        hint: `its fields are: ${Object.keys(data).join(', ') || 'none'}`,
      });
    }
    ctx.log(`${shown(at)}: version ${secret.version}, ${Object.keys(data).length} field(s)`);
    return { data, version: secret.version, ...(p.field ? { value: data[p.field] } : {}) };
  },
});

export const kvSnapshot = defineAction({
  id: 'vault.kv-snapshot',
  summary: 'Record the current version of a KV v2 secret (for check-and-set and rollback; no copy is made)',
  params: z.object({ ...kvLocationParams, allow_missing: z.boolean().default(false) }),
  outputs: ['version', 'data', 'keys', 'created_time'],
  changes: false,
  class: 'safe',
  describe: (p) =>
    `record the current version of ${shown(locate(p))}; its values stay in Vault, nothing is copied`,
  async run(p, ctx) {
    const at = locate(p);
    try {
      const secret = await vaultPort(ctx).kvRead(at, { signal: ctx.signal });
      ctx.log(`${shown(at)} is at version ${secret.version}; rollback will write that version back`);
      return {
        version: secret.version,
        data: wrapData(secret.data, ctx, `steps.${ctx.stepId}.data`),
        keys: Object.keys(secret.data),
        created_time: secret.createdTime,
      };
    } catch (error) {
      if (!p.allow_missing || !isVaultError(error, 'not-found')) throw error;
      ctx.log(`${shown(at)} does not exist yet (version 0)`);
      return { version: 0, data: {}, keys: [], created_time: '' };
    }
  },
  async recover(p, recorded, ctx) {
    // The version recorded before the crash, not the current one: that is what rollback restores.
    const version = Number(recorded.version);
    if (!version) return { version: 0, data: {}, keys: [], created_time: '' };
    const secret = await vaultPort(ctx).kvRead(locate(p), { version, signal: ctx.signal });
    return {
      version,
      data: wrapData(secret.data, ctx, `steps.${ctx.stepId}.data`),
      keys: Object.keys(secret.data),
      created_time: secret.createdTime,
    };
  },
});

const writeParams = z.object({ ...kvLocationParams, data: kvDataParam, cas: versionParam.optional() });
type WriteParams = z.infer<typeof writeParams>;

/** The version to check-and-set against: the run's (`cas`), or the current one read just before. */
async function baseVersion(p: WriteParams, ctx: ActionContext): Promise<number> {
  if (p.cas !== undefined) return p.cas;
  return (await vaultPort(ctx).kvMetadata(locate(p), { signal: ctx.signal }))?.currentVersion ?? 0;
}

function writeAction(id: 'vault.kv-write' | 'vault.kv-patch') {
  const patch = id === 'vault.kv-patch';
  return defineAction({
    id,
    summary: patch
      ? 'Change some fields of a KV v2 secret as a new version, if it is still at the version the run started from'
      : "Replace a KV v2 secret's data with a new version, if it is still at the version the run started from",
    params: writeParams,
    outputs: ['version', 'previous_version'],
    changes: true,
    class: 'guarded',
    describe: (p) =>
      `${patch ? 'patch' : 'write'} ${shown(locate(p))} as a new version (${describeKeys(p.data as KvData) || 'no fields'})` +
      (p.cas !== undefined
        ? `, only if it is still version ${p.cas}`
        : ', checked against its version at the time'),
    async run(p, ctx) {
      const at = locate(p);
      const previous = await baseVersion(p, ctx);
      const port = vaultPort(ctx);
      const data = p.data as KvData;
      const { version } = patch
        ? await port.kvPatch(at, data, { cas: previous, signal: ctx.signal })
        : await port.kvWrite(at, data, { cas: previous, signal: ctx.signal });
      ctx.log(`${shown(at)}: version ${previous} → ${version}`);
      return { version, previous_version: previous };
    },
    async undo(p, outputs, ctx) {
      await restoreVersion(
        vaultPort(ctx),
        locate(p),
        Number(outputs.previous_version),
        Number(outputs.version),
        ctx,
      );
    },
    async check(p, ctx) {
      if (p.cas === undefined) return 'not-done';
      const meta = await vaultPort(ctx).kvMetadata(locate(p), { signal: ctx.signal });
      return (meta?.currentVersion ?? 0) > p.cas ? 'done' : 'not-done';
    },
    async recover(p, recorded) {
      // The rotation lock kept anyone else out, so the version after `cas` is the one this step wrote.
      if (recorded.version !== undefined) return recorded;
      return { version: (p.cas ?? 0) + 1, previous_version: p.cas ?? 0 };
    },
  });
}

export const kvWrite = writeAction('vault.kv-write');
export const kvPatch = writeAction('vault.kv-patch');

export const kvRestore = defineAction({
  id: 'vault.kv-restore',
  summary: "Write an earlier version's data back as a new version (vault kv rollback; never a soft-delete)",
  params: z.object({ ...kvLocationParams, version: versionParam.min(1), cas: versionParam.optional() }),
  outputs: ['version', 'restored_version', 'previous_version'],
  changes: true,
  class: 'guarded',
  describe: (p) =>
    `write version ${p.version} of ${shown(locate(p))} back as a new version${p.cas !== undefined ? `, only if it is still version ${p.cas}` : ''}`,
  async run(p, ctx) {
    const at = locate(p);
    const current = (await vaultPort(ctx).kvMetadata(at, { signal: ctx.signal }))?.currentVersion ?? 0;
    if (p.cas !== undefined && current !== p.cas) throw casConflict(at, p.cas, current);
    const version = await restoreVersion(vaultPort(ctx), at, p.version, current, ctx);
    return { version, restored_version: p.version, previous_version: current };
  },
  async undo(p, outputs, ctx) {
    await restoreVersion(
      vaultPort(ctx),
      locate(p),
      Number(outputs.previous_version),
      Number(outputs.version),
      ctx,
    );
  },
  before: (p, ctx) => kvVersionBefore(p, ctx),
  // Writing the old data back twice would leave two versions and undo only one: ask Vault first.
  check: (p, ctx, before) => kvWrittenSince(p, ctx, p.cas ?? before?.version),
  async recover(p, recorded, ctx) {
    if (recorded.version !== undefined) return recorded;
    // The lock kept others out: the current version is the one this step wrote.
    const version = await kvCurrentVersion(p, ctx);
    return { version, restored_version: p.version, previous_version: version - 1 };
  },
});

export const kvCheckVersion = defineAction({
  id: 'vault.kv-check-version',
  summary: 'Check that a KV v2 secret is still at the version the run started from',
  params: z.object({ ...kvLocationParams, version: versionParam }),
  outputs: ['version'],
  changes: false,
  class: 'safe',
  describe: (p) => `check that ${shown(locate(p))} is still version ${p.version}; changes nothing`,
  async run(p, ctx) {
    const at = locate(p);
    const meta = await vaultPort(ctx).kvMetadata(at, { signal: ctx.signal });
    const current = meta?.currentVersion ?? 0;
    if (current !== p.version) throw casConflict(at, p.version, current);
    const latest = meta?.versions[current];
    if (latest?.deleted || latest?.destroyed) {
      throw new RotorError(
        `${shown(at)} version ${current} is ${latest.destroyed ? 'destroyed' : 'deleted'}: External Secrets sees "secret not found"`,
        {
          hint: `restore an earlier version with vault.kv-restore, or undelete version ${current}`,
        },
      );
    }
    ctx.log(`${shown(at)} is still version ${current}`);
    return { version: current };
  },
});
