import { CronExpressionParser, type CronExpression } from 'cron-parser';
import { dueState, type DueState } from './due.js';
import type { Policy } from './policy.js';
import type { SecretAge } from './secret-age.js';
import type { LastRotation, SecretStatus } from './secret-status.js';

const DAY = 86_400_000;
/** Slots one query may add to a schedule's cache before it computes its answer on its own. */
const EXTEND_BUDGET = 1000;

/**
 * The slots of one cron schedule around `now`, found once and shared by every policy using it.
 * cron-parser takes 0.1–0.6 ms per slot, so computing each of 10,000 policies' next slot on its
 * own would take seconds; policies share a handful of schedules, and a sorted slot list answers
 * "first slot at or after t" by binary search. Answers equal cron-parser's own (tested).
 */
class SlotIndex {
  /** Sorted; every slot between the first and the last is in the list. */
  private slots: number[];
  private forward: CronExpression;
  private backward: CronExpression;

  /** The latest slot at or before `now`, if any. */
  private readonly latest: number | undefined;

  constructor(
    private readonly expression: string,
    private readonly tz: string,
    now: number,
  ) {
    this.backward = CronExpressionParser.parse(expression, { currentDate: new Date(now + 1), tz });
    this.forward = CronExpressionParser.parse(expression, { currentDate: new Date(now), tz });
    const prev = this.tryStep(this.backward, 'prev');
    const next = this.tryStep(this.forward, 'next');
    this.latest = prev;
    this.slots = [prev, next].filter((s): s is number => s !== undefined);
  }

  latestAtOrBefore(): number | undefined {
    return this.latest;
  }

  private tryStep(cursor: CronExpression, way: 'next' | 'prev'): number | undefined {
    try {
      return (way === 'next' ? cursor.next() : cursor.prev()).getTime();
    } catch {
      return undefined; // a schedule with no slot that way (cron-parser gives up after years)
    }
  }

  /** The first slot at or after `t`. */
  firstAtOrAfter(t: number): number | undefined {
    if (this.slots.length === 0) return this.direct(t);
    const first = this.slots[0];
    const last = this.slots[this.slots.length - 1];
    if (t < first && !this.extendBack(t)) return this.direct(t);
    if (t > last && !this.extendForward(t)) return this.direct(t);
    let lo = 0;
    let hi = this.slots.length - 1;
    if (this.slots[hi] < t) return undefined;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.slots[mid] >= t) hi = mid;
      else lo = mid + 1;
    }
    return this.slots[lo];
  }

  // Slots found are always kept, also when a query gives up: the cursors have moved past them,
  // and a gap in the list would give wrong answers later.
  private extendForward(t: number): boolean {
    let last = this.slots[this.slots.length - 1];
    for (let added = 0; last < t; added++) {
      const next = added < EXTEND_BUDGET ? this.tryStep(this.forward, 'next') : undefined;
      if (next === undefined) return false;
      this.slots.push(next);
      last = next;
    }
    return true;
  }

  private extendBack(t: number): boolean {
    const added: number[] = [];
    let first = this.slots[0];
    // The slot just before t joins the list too, so the list covers t without a gap.
    let covered = true;
    while (first >= t) {
      const prev = added.length < EXTEND_BUDGET ? this.tryStep(this.backward, 'prev') : undefined;
      if (prev === undefined) {
        covered = false;
        break;
      }
      added.push(prev);
      first = prev;
    }
    this.slots = [...added.reverse(), ...this.slots];
    return covered;
  }

  /** Too far from the cached range (an every-minute cron years ago): ask cron-parser directly. */
  private direct(t: number): number | undefined {
    try {
      return CronExpressionParser.parse(this.expression, { currentDate: new Date(t - 1), tz: this.tz })
        .next()
        .getTime();
    } catch {
      return undefined;
    }
  }
}

/** One policy's due state, with its secret's last recorded rotation. */
export interface DueItem {
  policy: Policy;
  state: DueState;
  /** The whole status, or only its LastRotation when that is all that was read. */
  status?: LastRotation & Partial<SecretStatus>;
  /** What Vault says of the secret, read only when no rotation is recorded. */
  age?: SecretAge;
}

/**
 * The policies whose secret's age must come from Vault: active, rotating by themselves, and with
 * no rotation of their secret recorded. Only these cost a metadata read. Once an attempt is
 * recorded, Vault's current version may be one a rollback wrote back, which says nothing of the
 * value's age, so a secret with only failed attempts is still counted from its policy's creation.
 */
export function needingAge(
  policies: readonly Policy[],
  statuses: ReadonlyMap<string, LastRotation>,
): string[] {
  return policies
    .filter((p) => p.is_active && p.rotation_type !== 'manual' && !statuses.has(p.secret_path))
    .map((p) => p.secret_path);
}

/** What a policy not due looks like when only due ones are wanted: no next date, no reason built. */
const NOT_DUE: DueState = { due: false, scheduled: true, reason: 'not due' };

/**
 * Due states of many policies at `now`, each equal to dueState(policy, last success, now) but
 * with one slot cache per cron schedule and time zone. With `onlyDue`, policies that are not due
 * get NOT_DUE instead: telling "not due" needs only the latest slot before now, while their exact
 * next slot may lie a year of slots ahead. `ages`: what Vault says of secrets with no rotation
 * recorded (see needingAge).
 */
export function dueStates(
  policies: readonly Policy[],
  statuses: ReadonlyMap<string, LastRotation & Partial<SecretStatus>>,
  now: Date,
  options: { onlyDue?: boolean } = {},
  ages: ReadonlyMap<string, SecretAge> = new Map(),
): DueItem[] {
  const at = now.getTime();
  const indexes = new Map<string, SlotIndex>();
  const slotIndex = (policy: Policy) => {
    const key = `${policy.timezone}\u0000${policy.cron_schedule}`;
    let index = indexes.get(key);
    if (!index) indexes.set(key, (index = new SlotIndex(policy.cron_schedule!, policy.timezone, at)));
    return index;
  };
  /** Where the search for the next slot starts: since + N days, or just after since. */
  const from = (policy: Policy, since: number) =>
    policy.rotation_period_days !== undefined ? since + policy.rotation_period_days * DAY : since + 1;
  const next = (policy: Policy, since: Date): Date | undefined => {
    if (policy.cron_schedule === undefined)
      return policy.rotation_period_days !== undefined
        ? new Date(since.getTime() + policy.rotation_period_days * DAY)
        : undefined;
    const slot = slotIndex(policy).firstAtOrAfter(from(policy, since.getTime()));
    return slot === undefined ? undefined : new Date(slot);
  };
  /** Cheap: whether an active scheduled policy's next rotation is still ahead. */
  const ahead = (policy: Policy, since: number) => {
    if (policy.cron_schedule === undefined)
      return policy.rotation_period_days === undefined || from(policy, since) > at;
    const latest = slotIndex(policy).latestAtOrBefore();
    return latest === undefined || latest < from(policy, since);
  };
  return policies.map((policy) => {
    const status = statuses.get(policy.secret_path);
    const last = status?.last_success ? Date.parse(status.last_success) : undefined;
    const age = status === undefined ? ages.get(policy.secret_path) : undefined;
    if (options.onlyDue && policy.is_active && policy.rotation_type !== 'manual' && age?.kind !== 'missing') {
      const since =
        last ??
        (age?.kind === 'written' ? Date.parse(age.created_time) : undefined) ??
        (policy.created_at ? Date.parse(policy.created_at) : at);
      if (ahead(policy, since)) return { policy, status, age, state: NOT_DUE };
    }
    return {
      policy,
      status,
      age,
      state: dueState(policy, last === undefined ? undefined : new Date(last), now, next, age),
    };
  });
}
