/**
 * The command line as journals keep it: flag names and the positional words that name what ran
 * (a runbook id, a file, a session id, a secret path), with every value that could carry a
 * secret left out. An operator who passes a secret where rotor refuses one (`--input
 * admin_url=postgres://…:password@…`) must not find it again in the refusal's journal.
 */

/** What stands in for a value left out. */
export const LEFT_OUT = '…';

/** Flags that take no value: the word after one is a positional, not its value. */
const SWITCHES = new Set([
  '--tls',
  '-y',
  '--yes',
  '--json',
  '--dry-run',
  '--due',
  '--rehearse',
  '--inactive',
  '--no-notify-on-failure',
  '--no-rollback-on-failure',
  '--all',
  '--confirm',
  '--markdown',
  '--allow-real-targets',
  '--allow-insecure-tls',
  '--protected',
  '--default',
  '--probe',
  '--check',
  '-h',
  '--help',
  '-V',
  '--version',
]);

/**
 * rotor's own flags that take a value which is never a secret by design: left out of the
 * journal all the same, but a message about a bad one may quote it (`cron_schedule: "0 2 * *"
 * has 4 fields`), unless it holds a URL's credentials.
 */
const VALUED = new Set([
  '--env',
  '--confirm-env',
  '--file',
  '--rotation-type',
  '--rotation-period-days',
  '--cron-schedule',
  '--timezone',
  '--rotation-script-path',
  '--notify-emails',
  '--max-retries',
  '--secret-type',
  '--runbook',
  '--limit',
  '--format',
  '--state',
  '--fault',
  '--schedule',
  '--service-account',
  '--name',
  '--namespace',
  '--image',
  '--vault-addr',
  '--token-secret',
  '--token-from',
  '--apply',
  '--description',
  '--vault-namespace',
  '--context',
  '--role',
  '--prefix',
  '--transit-key',
  '--shard-index',
  '--shard-count',
  '--parallelism',
  '--journal-claim',
  '--vault-role',
  '--vault-auth-mount',
  '--touches',
  '--forward',
  '--inventory',
]);

/** `scheme://user:password@host`: a URL that carries credentials. */
const CREDENTIALS = /\/\/[^/\s]*@/;

/** Flags whose value names where or how rotor ran; kept when it looks like a name. */
const NAMING = new Set([
  '--env',
  '--confirm-env',
  '--runbook',
  '--secret-type',
  '--rotation-type',
  '--format',
]);

/** A runbook id, file path, session id or secret path: no `=`, `:`, `@`, spaces or quotes. */
const NAME = /^[A-Za-z0-9._/][A-Za-z0-9._/-]*$/;
/** The name part of `name=value`. */
const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

interface Word {
  shown: string;
  /**
   * Raw text left out that messages must not repeat either: an input's value shaped like no
   * name (a URL with a password in it), a bare word where name=value goes, anything after a flag
   * rotor does not know, a URL with credentials anywhere. An input's value that reads as a name
   * or path (`secret_path=harmonyflow/redis`) and the values of rotor's own flags (VALUED) are
   * left out of the journal but may still be quoted by a message about them.
   */
  leftOut?: string;
  /**
   * Left out of a journalled message, though the screen may show it: a bare word after --set or
   * --input reads as an input name whose value was forgotten (`--set grace_seconds: expected
   * name=value`), but it might be a value whose name was.
   */
  journalOnly?: string;
}

function pair(value: string, bareMayBeName = false): Word {
  const eq = value.indexOf('=');
  if (eq > 0 && KEY.test(value.slice(0, eq))) {
    const rest = value.slice(eq + 1);
    return { shown: `${value.slice(0, eq)}=${LEFT_OUT}`, leftOut: NAME.test(rest) ? undefined : rest };
  }
  if (bareMayBeName && KEY.test(value)) return { shown: LEFT_OUT, journalOnly: value };
  return { shown: LEFT_OUT, leftOut: value };
}

function valueOf(flag: string, value: string): Word {
  if (NAMING.has(flag) && NAME.test(value)) return { shown: value };
  if (VALUED.has(flag)) return { shown: LEFT_OUT, leftOut: CREDENTIALS.test(value) ? value : undefined };
  // --set and --input take name=value; an unknown flag may take anything.
  return pair(value, flag === '--set' || flag === '--input');
}

function positional(word: string): Word {
  return NAME.test(word) ? { shown: word } : pair(word);
}

function words(argv: readonly string[]): Word[] {
  const out: Word[] = [];
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (onlyPositionals || !arg.startsWith('-') || arg === '-') {
      out.push(positional(arg));
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      out.push({ shown: arg });
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq > 0) {
      const value = valueOf(arg.slice(0, eq), arg.slice(eq + 1));
      out.push({ ...value, shown: `${arg.slice(0, eq)}=${value.shown}` });
      continue;
    }
    out.push({ shown: arg });
    // A flag rotor does not know as a switch takes the next word as its value: leaving out a
    // runbook id after an unknown switch costs less than journalling a password.
    if (!SWITCHES.has(arg) && i + 1 < argv.length) out.push(valueOf(arg, argv[++i]));
  }
  return out;
}

/** The command line without values, for the journal: `run redis --set nodes=… --yes`. */
export function commandWithoutValues(argv: readonly string[]): string {
  return words(argv)
    .map((w) => w.shown)
    .join(' ');
}

/** The word after `run`, if it names a runbook; undefined when it is a value or missing. */
export function journalledWord(word: string | undefined): string | undefined {
  return word === undefined ? undefined : positional(word).shown;
}

/**
 * Removes from a refusal's message (its journal record, its error line) the values a message
 * must not repeat (see Word): parsers quote the offending word (`unknown option
 * '--admin-url=…'`, `--set x: expected name=value`, in the journal only). Values shorter than 4 characters stay:
 * replacing them would garble the text (`exit 1`) for a value too short to be a credential.
 */
export function withoutArgvValues(
  text: string,
  argv: readonly string[],
  options: { journal?: boolean } = {},
): string {
  const values = words(argv)
    .flatMap((w) => [w.leftOut, options.journal ? w.journalOnly : undefined])
    .filter((v): v is string => v !== undefined && v.length >= 4)
    .sort((a, b) => b.length - a.length);
  return values.reduce((t, v) => t.split(v).join(LEFT_OUT), text);
}

/** Every flag this module knows how to journal: a flag added to the CLI must be classified here. */
export function classifiedFlags(): ReadonlySet<string> {
  return new Set([...SWITCHES, ...VALUED, '--set', '--input']);
}
