import { z } from 'zod';
import { RotorError, UsageError } from '../../errors.js';
import { Secret } from '../../engine/secret.js';
import { need } from '../../ports/index.js';
import { defineAction } from '../types.js';
import { kubeName } from './common.js';

type Manifest = Record<string, any>;

const params = z.object({
  namespace: kubeName,
  /** The CronJob as written in YAML (apiVersion batch/v1, kind CronJob). */
  manifest: z.record(z.string(), z.unknown()),
});

/** True when every field the manifest sets has the same value in the stored object (which has defaults added). */
function covers(stored: unknown, wanted: unknown): boolean {
  if (Array.isArray(wanted))
    return (
      Array.isArray(stored) && stored.length === wanted.length && wanted.every((w, i) => covers(stored[i], w))
    );
  if (wanted && typeof wanted === 'object') {
    return (
      Boolean(stored) &&
      typeof stored === 'object' &&
      Object.entries(wanted).every(([k, v]) => covers((stored as Record<string, unknown>)[k], v))
    );
  }
  return stored === wanted;
}

function checked(p: { namespace: string; manifest: Manifest }): Manifest {
  const m: Manifest = structuredClone(p.manifest);
  if (m.apiVersion !== 'batch/v1' || m.kind !== 'CronJob')
    throw new UsageError(
      `the manifest is ${m.apiVersion ?? '?'} ${m.kind ?? '?'}, not batch/v1 CronJob`,
      'give a CronJob manifest',
    );
  if (!m.metadata?.name)
    throw new UsageError('the CronJob manifest has no metadata.name', 'name the CronJob');
  if (m.metadata.namespace && m.metadata.namespace !== p.namespace)
    throw new UsageError(
      `the manifest names namespace ${m.metadata.namespace}, the step ${p.namespace}`,
      'make them agree, or drop metadata.namespace',
    );
  m.metadata.namespace = p.namespace;
  return m;
}

/** Creates the rotation CronJob, or updates it when it differs; undo removes or restores it. */
export const applyCronJob = defineAction({
  id: 'kubernetes.apply-cronjob',
  summary: 'Create or update a CronJob (the scheduled headless rotation)',
  params,
  outputs: ['result', 'name', 'schedule', 'previous'],
  changes: true,
  class: 'guarded',
  describe: (p) =>
    `create or update CronJob ${p.namespace}/${String((p.manifest.metadata as Manifest | undefined)?.name ?? '?')} (schedule "${String((p.manifest.spec as Manifest | undefined)?.schedule ?? '?')}")`,
  async run(p, ctx) {
    const kube = need(ctx.ports, 'kube');
    const manifest = checked(p);
    const ref = { namespace: p.namespace, name: manifest.metadata.name as string };
    const existing = await kube.getCronJob(ref);
    const base = { name: ref.name, schedule: manifest.spec?.schedule ?? null };
    if (!existing) {
      await kube.createCronJob(p.namespace, manifest);
      ctx.log(`created CronJob ${p.namespace}/${ref.name}`);
      return { ...base, result: 'created', previous: null };
    }
    if (
      covers(existing, {
        spec: manifest.spec,
        metadata: { labels: manifest.metadata.labels, annotations: manifest.metadata.annotations },
      })
    ) {
      ctx.log(`CronJob ${p.namespace}/${ref.name} is already as wanted`);
      return { ...base, result: 'unchanged', previous: null };
    }
    const meta = existing.metadata as Manifest;
    await kube.replaceCronJob(p.namespace, {
      ...manifest,
      metadata: { ...manifest.metadata, resourceVersion: meta.resourceVersion },
    });
    ctx.log(`updated CronJob ${p.namespace}/${ref.name}`);
    // The old spec may carry env values: kept masked, usable by undo in this session only.
    return {
      ...base,
      result: 'updated',
      previous: ctx.secret(
        JSON.stringify({ spec: existing.spec, labels: meta.labels, annotations: meta.annotations }),
        `steps.${ctx.stepId}.previous`,
      ),
    };
  },
  async check(p, ctx) {
    const manifest = checked(p);
    const existing = await need(ctx.ports, 'kube').getCronJob({
      namespace: p.namespace,
      name: manifest.metadata.name,
    });
    return existing && covers(existing, { spec: manifest.spec }) ? 'done' : 'not-done';
  },
  async undo(p, outputs, ctx) {
    const kube = need(ctx.ports, 'kube');
    const manifest = checked(p);
    const ref = { namespace: p.namespace, name: manifest.metadata.name as string };
    if (outputs.result === 'created') return kube.deleteCronJob(ref);
    if (outputs.result !== 'updated') return;
    if (!(outputs.previous instanceof Secret))
      throw new RotorError(
        `the previous CronJob ${p.namespace}/${ref.name} was not kept (the session was resumed)`,
        { hint: 'restore it from version control' },
      );
    const previous = JSON.parse(outputs.previous.reveal()) as Manifest;
    const current = await kube.getCronJob(ref);
    if (!current)
      throw new RotorError(`CronJob ${p.namespace}/${ref.name} no longer exists`, {
        hint: 'recreate it from version control if it is still wanted',
      });
    const meta = current.metadata as Manifest;
    await kube.replaceCronJob(p.namespace, {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: {
        name: ref.name,
        namespace: p.namespace,
        labels: previous.labels,
        annotations: previous.annotations,
        resourceVersion: meta.resourceVersion,
      },
      spec: previous.spec,
    });
  },
});
