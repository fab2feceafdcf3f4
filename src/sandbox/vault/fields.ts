import { badRequest } from './envelope.js';

/**
 * Field parsing as Vault's framework does it: loose where Vault is loose (numbers as strings,
 * durations as "1h" or seconds), strict where it refuses (an unparseable value is a 400).
 */

const UNITS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
};

/** Seconds from `3600`, `"3600"`, `"1h"`, `"1h30m"`, `"90s"`; undefined when absent. */
export function durationSeconds(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return Math.floor(value);
  if (typeof value === 'string') {
    if (/^-?\d+$/.test(value)) return Number(value);
    const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/g)];
    if (parts.length > 0 && parts.map((p) => p[0]).join('') === value) {
      return Math.floor(parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]], 0));
    }
  }
  throw badRequest(
    `error converting input ${JSON.stringify(value)} for field "${field}": time: invalid duration "${String(value)}"`,
  );
}

/** Go's `time.Duration.String()` for whole seconds: `0s`, `1h0m0s`, `90m` → `1h30m0s`. */
export function goDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

export function intField(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  throw badRequest(`error converting input ${JSON.stringify(value)} for field "${field}"`);
}

export function boolField(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(1|t|true|0|f|false)$/i.test(value)) return /^(1|t|true)$/i.test(value);
  if (typeof value === 'number') return value !== 0;
  throw badRequest(`error converting input ${JSON.stringify(value)} for field "${field}"`);
}

export function stringField(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : String(value);
}

/** Vault's comma-string-slice: `"a,b"` or `["a","b"]`. */
export function listField(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value))
    return value
      .map(String)
      .map((s) => s.trim())
      .filter(Boolean);
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A JSON object field, or a 400 when it is something else. */
export function mapField(value: unknown, field: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw badRequest(`error converting input ${JSON.stringify(value)} for field "${field}"`);
}

/** RFC 3339 with nanosecond-style precision as Vault prints times. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}
