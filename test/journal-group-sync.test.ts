import { fsync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JournalWriter } from '../src/journal/journal-writer.js';
import { fakeWorld, runFake } from './support/fake-engine.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const CHILDREN = 40;
const yaml = `
id: p
title: P
inputs:
  keys: { default: "${Array.from({ length: CHILDREN }, (_, i) => `k${i}`).join(',')}" }
steps:
  - id: all
    parallel:
      concurrency: 16
      for_each: "{{ inputs.keys }}"
      steps:
        - { id: set, do: fake.set, with: { key: "{{ item }}", value: "x" } }
`;

describe('journal fsync in groups', () => {
  it('makes each step-started durable before its change, with fewer fsyncs than children', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rotor-journal-sync-'));
    dirs.push(dir);
    // A slow disk: each fsync takes a few ms, so children that start meanwhile queue behind it.
    const writer = new JournalWriter(dir, 'group-sync', {
      fsync: (fd, done) => setTimeout(() => fsync(fd, done), 3),
    });
    const startedSeq = new Map<string, number>();
    let seq = 0;
    const world = fakeWorld();
    const seen: Array<{ stepId: string; seq: number; through: number }> = [];
    world.beforeSet = (_key, stepId) =>
      seen.push({ stepId, seq: startedSeq.get(stepId)!, through: writer.syncs.through });
    const { outcome } = await runFake(yaml, {
      world,
      durable: () => writer.durable(),
      onEvent: (e) => {
        if (e.type === 'step-started') startedSeq.set(e.stepId, seq);
        writer.record(e);
        seq++;
      },
    });
    writer.close();
    expect(outcome.status).toBe('succeeded');
    expect(seen).toHaveLength(CHILDREN);
    // The rule: no change began before the record announcing it was on disk.
    const early = seen.filter((s) => s.through < s.seq);
    expect(
      early,
      `changes that began before their step-started was synced: ${JSON.stringify(early)}`,
    ).toEqual([]);
    // Children starting together shared fsyncs (one per record would be ≥ CHILDREN).
    expect(writer.syncs.count, `fsyncs: ${writer.syncs.count}`).toBeLessThan(CHILDREN);
    expect(readFileSync(writer.path, 'utf8').trim().split('\n')).toHaveLength(seq);
  });

  it('rejects durable() when the disk refuses, and the step does not run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rotor-journal-sync-'));
    dirs.push(dir);
    const writer = new JournalWriter(dir, 'sync-fails', {
      fsync: (_fd, done) => done(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' })),
    });
    const world = fakeWorld();
    const { outcome } = await runFake(
      `
id: p
title: P
steps:
  - { id: set, do: fake.set, with: { key: a, value: "x" } }
`,
      {
        world,
        durable: () => writer.durable(),
        onEvent: (e) => writer.record(e),
        decide: async (r) => (r.kind === 'approve' ? 'approve' : 'abort'),
      },
    );
    writer.close();
    expect(outcome.status).not.toBe('succeeded');
    expect(world.calls).not.toContain('set a');
  });
});
