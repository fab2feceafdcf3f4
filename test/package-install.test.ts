import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  dependencies?: Record<string, string>;
};

/** The Dockerfile's stages: each FROM and the instructions under it. */
function dockerStages(text: string): Array<{ from: string; lines: string[] }> {
  const stages: Array<{ from: string; lines: string[] }> = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (/^FROM\s/i.test(line)) stages.push({ from: line, lines: [] });
    else stages.at(-1)?.lines.push(line);
  }
  return stages;
}

describe('the image', () => {
  const stages = dockerStages(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
  const [build, runtime] = [stages[0], stages.at(-1)!];

  it('is multi-stage: a build stage that packs, a runtime stage that installs only the packed tarball', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build.from).toMatch(/ AS build$/i);
    expect(build.lines.some((l) => /npm run -s build/.test(l) && /npm pack/.test(l))).toBe(true);
    const copies = runtime.lines.filter((l) => /^COPY\s/i.test(l));
    expect(copies).toEqual(['COPY --from=build /pack/rotor.tgz /tmp/rotor.tgz']);
    expect(runtime.lines).toContain(
      'RUN npm install --global --no-audit --no-fund /tmp/rotor.tgz && rm /tmp/rotor.tgz && npm cache clean --force',
    );
  });

  it('copies into the build only files that exist and are kept in git', async () => {
    const { stdout } = await run('git', ['ls-files'], { cwd: ROOT });
    const tracked = stdout.split('\n');
    const sources = build.lines
      .filter((l) => /^COPY\s/i.test(l) && !/--from/.test(l))
      .flatMap((l) => l.split(/\s+/).slice(1, -1));
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      expect(existsSync(join(ROOT, source)), source).toBe(true);
      expect(
        tracked.some((f) => f === source || f.startsWith(`${source}/`)),
        `${source} tracked`,
      ).toBe(true);
    }
  });

  it('runs the packed rotor as a numeric non-root user', () => {
    expect(runtime.lines).toContain('ENTRYPOINT ["rotor"]');
    expect(pkg.bin.rotor).toBe('dist/bundle/cli.js');
    const user = runtime.lines.find((l) => /^USER\s/i.test(l))!;
    const [uid, gid] = user.split(/\s+/)[1].split(':').map(Number);
    expect(uid).toBeGreaterThan(0);
    expect(gid).toBeGreaterThan(0);
  });

  it('is the image rotor cronjob names, by the package version', async () => {
    const { stdout } = await run(process.execPath, [join(ROOT, pkg.bin.rotor), 'cronjob'], {
      env: { ...process.env, ROTOR_HOME: mkdtempSync(join(tmpdir(), 'rotor-img-')) },
    });
    const manifest = parse(stdout.split(/^---$/m).find((d) => /kind: CronJob/.test(d))!) as any;
    expect(manifest.spec.jobTemplate.spec.template.spec.containers[0].image).toBe(
      `harmonyflow/rotor:${pkg.version}`,
    );
  });
});

describe('npm pack', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rotor-pack-'));
  let files: string[] = [];
  let tarball = '';
  const prefix = join(dir, 'prefix');
  const elsewhere = mkdtempSync(join(tmpdir(), 'rotor-elsewhere-'));
  const rotor = join(prefix, 'node_modules', '.bin', 'rotor');
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  });

  beforeAll(async () => {
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    files = packed.files.map((f) => f.path);
    tarball = join(dir, packed.filename);
    // Offline: the bundle carries every library, so the package has nothing to fetch.
    await run('npm', ['install', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], {
      cwd: elsewhere,
    });
  }, 120_000);

  it('holds the bundled CLI and the shipped runbooks, no sources or tests, and needs no dependency', () => {
    expect(files).toContain('dist/bundle/cli.js');
    expect(files).toContain('dist/runbooks.prebuilt.json');
    expect(files).toContain('runbooks/redis.yaml');
    expect(files.filter((f) => /^(src|test|bench|scripts)\//.test(f) || f.startsWith('dist/src/'))).toEqual(
      [],
    );
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it('installs into a fresh prefix and runs from there: --version, and a headless sandbox rotation', async () => {
    const env = { ...process.env, ROTOR_HOME: join(dir, 'home'), NO_COLOR: '1' };
    const version = await run(rotor, ['--version'], { cwd: elsewhere, env });
    expect(version.stdout.trim()).toBe(pkg.version);
    const rotation = await run(rotor, ['run', 'redis', '--env', 'sandbox', '--yes', '--json'], {
      cwd: elsewhere,
      env,
      timeout: 120_000,
    });
    const events = rotation.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; outcome?: unknown });
    expect(events.at(-1)).toMatchObject({
      type: 'session-ended',
      outcome: { status: 'succeeded', exitCode: 0 },
    });
  }, 150_000);
});
