import { createHash } from 'node:crypto';

/**
 * External Secrets' `utils.ObjectHash`: md5 of Go's `fmt.Sprintf("%+v", v)`. Reproduced so the
 * Secret's `reconcile.external-secrets.io/data-hash` annotation reads as the real controller writes it.
 */
function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

function goMap(map: Record<string, string> | undefined, render: (v: string) => string): string {
  const keys = Object.keys(map ?? {}).sort();
  return `map[${keys.map((k) => `${k}:${render(map![k])}`).join(' ')}]`;
}

/** Hash of a Secret's data (values base64 as stored), as `map[string][]byte` prints in Go. */
export function dataHash(data: Record<string, string> | undefined): string {
  return md5(goMap(data, (b64) => `[${[...Buffer.from(b64, 'base64')].join(' ')}]`));
}

/** `<generation>-<hash of labels and annotations>`: what a synced ExternalSecret records. */
export function syncedResourceVersion(meta: {
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}): string {
  const text = `{annotations:${goMap(meta.annotations, (v) => v)} labels:${goMap(meta.labels, (v) => v)}}`;
  return `${meta.generation ?? 0}-${md5(text)}`;
}

/** Go's time.ParseDuration for the forms ExternalSecrets use ("1h", "15m", "1h30m", "500ms", "0"). */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const units: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
  };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * units[m[2]];
    consumed = re.lastIndex;
  }
  return consumed === text.length && text.length > 0 ? total : undefined;
}
