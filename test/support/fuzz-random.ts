/**
 * A small seeded PRNG (mulberry32) for the fuzz tests: the same seed gives the same cases, so a
 * failure reproduces with `ROTOR_FUZZ_SEED=<seed>`.
 */
export class Random {
  #state: number;

  constructor(readonly seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

/** The base seed: fixed so CI is repeatable, overridable to explore (`ROTOR_FUZZ_SEED=123`). */
export function fuzzSeed(): number {
  const given = process.env.ROTOR_FUZZ_SEED;
  return given !== undefined && /^\d+$/.test(given) ? Number(given) : 20261123;
}

/** How many cases to run: `ROTOR_FUZZ_SCALE=10` runs ten times as many. */
export function fuzzCount(base: number): number {
  const scale = Number(process.env.ROTOR_FUZZ_SCALE ?? '1');
  return Math.max(1, Math.round(base * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

/** Strange strings: unicode, control characters, long values. */
export function weirdString(rnd: Random): string {
  return rnd.pick([
    () => '',
    () => ' ',
    () => 'é',
    () => '🔑🔐',
    () => '\u202Eevil\u202C',
    () => 'zero\u200Bwidth',
    () => '\u0000nul',
    () => '\uFEFFbom',
    () => '\uD800',
    () => 'tab\there',
    () => 'new\nline',
    () => 'cr\rreturn',
    () => '\u001b[31mred\u001b[0m',
    () => '../../../etc/passwd',
    () => '%s%d%n',
    () => '${HOME}',
    () => '$(id)',
    () => "'; DROP TABLE x; --",
    () => '{{ inputs.x }}',
    () => '--',
    () => '-',
    () => '=',
    () => '==',
    () => 'a=b=c',
    () => 'x'.repeat(rnd.pick([256, 4096, 70_000])),
    () => 'é'.repeat(5000),
    () => String(rnd.int(-1e9, 1e9)),
    () => '1e400',
    () => 'NaN',
    () => 'null',
    () => 'undefined',
    () => '__proto__',
    () => 'constructor',
    () => 'toString',
    () => Array.from({ length: rnd.int(1, 12) }, () => String.fromCharCode(rnd.int(0x20, 0x7e))).join(''),
    () => Array.from({ length: rnd.int(1, 8) }, () => String.fromCodePoint(rnd.int(0x80, 0x2fff))).join(''),
  ])();
}
