import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { guideSecrets, type GuideSecrets } from '../../src/sandbox/guide-secrets.js';

/** A known secret value and where it came from (never printed: only its label is). */
export interface Canary {
  label: string;
  value: string;
}

/** One place a canary (or an encoding of it) was found. */
export interface Copy {
  canary: string;
  form: string;
  where: string;
}

const NOT_SECRET = new Set(['username', 'host', 'port', 'database']);

/** A recognisable value of the same shape (length and alphabet) as the seeded one. */
function canaryLike(value: string): string {
  const alphabet = /^[0-9a-f]+$/.test(value)
    ? '0123456789abcdef'
    : /^[A-Za-z0-9]+$/.test(value)
      ? 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
      : null;
  if (alphabet) {
    const prefix = alphabet.length === 16 ? 'ca0a0' : 'CaNaRy';
    const bytes = randomBytes(value.length);
    return (prefix + Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('')).slice(0, value.length);
  }
  // base64 passwords: keep the length and the padding.
  const body = `CaNaRy${randomBytes(value.length).toString('base64').replace(/[=]/g, '')}`.slice(
    0,
    value.replace(/=+$/, '').length,
  );
  return body + '='.repeat(value.length - value.replace(/=+$/, '').length);
}

/** The sandbox's seed secrets, every secret one replaced by a canary of the same shape. */
export function canarySecrets(): { secrets: GuideSecrets; canaries: Canary[] } {
  const seed = guideSecrets();
  const canaries: Canary[] = [];
  const kv: GuideSecrets['kv'] = {};
  for (const [path, data] of Object.entries(seed.kv)) {
    kv[path] = {};
    for (const [field, value] of Object.entries(data)) {
      if (NOT_SECRET.has(field)) kv[path][field] = value;
      else {
        kv[path][field] = canaryLike(value);
        canaries.push({ label: `seed ${path}#${field}`, value: kv[path][field] });
      }
    }
  }
  // The admins' own passwords (postgresSuperuserPassword, …): every other string field.
  const secrets = { ...seed, kv } as GuideSecrets;
  for (const [field, value] of Object.entries(seed)) {
    if (typeof value !== 'string') continue;
    (secrets as unknown as Record<string, string>)[field] = canaryLike(value);
    canaries.push({ label: `seed ${field}`, value: (secrets as unknown as Record<string, string>)[field] });
  }
  return { secrets, canaries };
}

/** The forms a value can leak in: as is, base64 (padded or not, url-safe), URL-encoded. */
export function forms(value: string): Array<[string, string]> {
  const b64 = Buffer.from(value).toString('base64');
  const out: Array<[string, string]> = [
    ['plain', value],
    ['base64', b64.replace(/=+$/, '')],
    ['base64url', Buffer.from(value).toString('base64url')],
    ['url-encoded', encodeURIComponent(value)],
  ];
  return out.filter(([, v], i) => v.length >= 6 && out.findIndex(([, w]) => w === v) === i);
}

/** Every copy of every canary in a text. */
export function findCopies(text: string, canaries: readonly Canary[], where: string): Copy[] {
  const copies: Copy[] = [];
  for (const c of canaries)
    for (const [form, v] of forms(c.value))
      if (text.includes(v)) copies.push({ canary: c.label, form, where });
  return copies;
}

/** Regular files under `dir` changed at or after `since` (ms), skipping what `skip` names. */
export function filesChangedSince(
  dir: string,
  since: number,
  skip: (path: string) => boolean = () => false,
  depth = 0,
): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if (skip(path)) continue;
    let st;
    try {
      st = statSync(path);
    } catch {
      continue;
    }
    // At the top (the shared temp dir) only folders touched during the run; inside them, everything.
    if (st.isDirectory()) {
      if (depth < 6 && (depth > 0 || st.mtimeMs >= since - 1000))
        out.push(...filesChangedSince(path, since, skip, depth + 1));
    } else if (st.isFile() && st.mtimeMs >= since - 1000 && st.size < 20_000_000) out.push(path);
  }
  return out;
}

/** The copies in files (binary-safe: read as latin1 too, which keeps ASCII canaries intact). */
export function scanFiles(paths: readonly string[], canaries: readonly Canary[]): Copy[] {
  const copies: Copy[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    copies.push(...findCopies(text, canaries, `file ${path}`));
  }
  return copies;
}

/**
 * Samples every process's command line (`/proc/<pid>/cmdline`) in a tight loop until stopped:
 * a child that carries a secret in its argv is caught even if it lives a few milliseconds.
 */
export function sampleCommandLines(): { stop(): Promise<string[]> } {
  const seen = new Map<string, string>();
  let running = true;
  const sample = () => {
    let pids: string[];
    try {
      pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
    } catch {
      return;
    }
    for (const pid of pids) {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
        if (argv) seen.set(`${pid} ${argv}`, argv);
      } catch {
        // the process ended between the listing and the read
      }
    }
  };
  const loop = new Promise<void>((resolve) => {
    const tick = () => {
      if (!running) return resolve();
      sample();
      setImmediate(tick);
    };
    tick();
  });
  return {
    async stop() {
      running = false;
      await loop;
      sample();
      return [...seen.values()];
    },
  };
}
