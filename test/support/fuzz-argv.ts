import { weirdString, type Random } from './fuzz-random.js';

/** Files the argument fuzz may name; made by the test. */
export interface ArgvFiles {
  validRunbook: string;
  brokenRunbook: string;
  directory: string;
  missing: string;
}

/**
 * Commands that reach Vault or serve until Ctrl+C: the fuzz gives them only words commander
 * itself refuses (an unknown option first), so nothing connects anywhere.
 */
const GUARDED = ['sandbox', 'policy', 'due', 'status', 'history', 'stats', 'resume', 'unlock', 'cronjob'];

function junkWord(rnd: Random): string {
  const word = rnd.pick([
    () => weirdString(rnd),
    () => `--zz-${rnd.int(0, 999)}`,
    () => `--${weirdString(rnd)}`,
    () => `-${String.fromCharCode(rnd.int(97, 122))}`,
    () => `-${'abcdefghijklmnopqrstuvwxz'.slice(rnd.int(0, 20), rnd.int(21, 25))}`,
    () => '--',
    () => '-',
    () => '--env=',
    () => '--set=',
    () => '--set=a=b',
    () => '--json=yes',
    () => '--dry-run=false',
    () => `run${rnd.int(0, 9)}`,
    () => 'RUN',
    () => 'helpp',
    () => 'help',
  ])();
  return safe(word) && !GUARDED.includes(word) ? word : 'zz';
}

/** Never approve anything: without --yes and without a terminal, a run that is not a dry run is refused. */
function safe(word: string): boolean {
  if (word === '--yes' || word.startsWith('--yes=') || word === '--due') return false;
  return !/^-[^-]*y/.test(word);
}

function runbookRef(rnd: Random, files: ArgvFiles): string {
  return rnd.pick([
    'demo',
    'jwt',
    'custom-script',
    'postgres',
    'nope',
    'dem',
    files.validRunbook,
    files.brokenRunbook,
    files.directory,
    files.missing,
    '/dev/null',
    '',
    '.yaml',
    'x'.repeat(rnd.pick([300, 5000])),
    weirdString(rnd),
  ]);
}

const ENV_NAMES = [
  'sandbox',
  'local',
  'SANDBOX',
  'prod',
  '',
  ' ',
  'sandbox ',
  'ünïcode',
  '../..',
  '-',
  '--json',
  'x'.repeat(2000),
  '\u0000',
  'a\nb',
];

function runFlags(rnd: Random): string[] {
  const flags: string[] = [];
  const count = rnd.int(0, 6);
  for (let i = 0; i < count; i++) {
    flags.push(
      ...rnd.pick<() => string[]>([
        () => ['--env', rnd.pick(ENV_NAMES)],
        () => [`--env=${rnd.pick(ENV_NAMES)}`],
        () => ['--env'],
        () => [
          '--set',
          rnd.pick([
            'grace_seconds=0',
            'grace_seconds=x',
            'grace_seconds',
            'nope=1',
            '=1',
            '=',
            'a==b',
            'service_url=http://127.0.0.1:9',
            'login_password=p',
            `${weirdString(rnd)}=${weirdString(rnd)}`,
            weirdString(rnd),
          ]),
        ],
        () => ['--set'],
        () => ['--json'],
        () => ['--json', '--json'],
        () => ['--rehearse'],
        () => ['--fault', rnd.pick(['vault-sealed', 'nope', '', weirdString(rnd)])],
        () => ['--confirm-env', rnd.pick(ENV_NAMES)],
        () => [junkWord(rnd)],
        () => ['--dry-run'],
      ])(),
    );
  }
  return flags;
}

/** One random argument vector, safe to run in-process: nothing it can do changes a real system. */
export function randomArgv(rnd: Random, files: ArgvFiles): string[] {
  for (;;) {
    const argv = buildArgv(rnd, files);
    if (!couldRun(argv)) return argv;
  }
}

function buildArgv(rnd: Random, files: ArgvFiles): string[] {
  const shape = rnd.pick<() => string[]>([
    // run: a dry run, or refused (no terminal, no --yes)
    () => ['run', runbookRef(rnd, files), ...runFlags(rnd), ...(rnd.chance(0.7) ? ['--dry-run'] : [])],
    () => ['run', ...runFlags(rnd)],
    () => ['run', runbookRef(rnd, files), runbookRef(rnd, files), '--dry-run'],
    () => [
      'validate',
      ...(rnd.chance(0.9) ? [runbookRef(rnd, files)] : []),
      ...(rnd.chance(0.2) ? [junkWord(rnd)] : []),
    ],
    () => [
      rnd.pick(['runbooks', 'actions', 'schema']),
      ...(rnd.chance(0.5) ? [rnd.pick(['--json', junkWord(rnd)])] : []),
    ],
    () => ['sessions', ...(rnd.chance(0.5) ? [rnd.pick(['--json', junkWord(rnd)])] : [])],
    () => [
      'sessions',
      rnd.pick(['show', 'verify']),
      ...(rnd.chance(0.9)
        ? [rnd.pick(['20261123-000000-abcd', '../../etc/passwd', '', weirdString(rnd)])]
        : []),
      ...(rnd.chance(0.3) ? [rnd.pick(['--markdown', '--json', junkWord(rnd)])] : []),
    ],
    () => ['env', ...(rnd.chance(0.8) ? [rnd.pick(['list', 'add', 'remove', junkWord(rnd)])] : [])],
    () => [
      'env',
      'add',
      rnd.pick(ENV_NAMES),
      ...(rnd.chance(0.5)
        ? [
            rnd.pick([
              '--protected',
              '--default',
              '--vault-addr',
              '--vault-addr=http://127.0.0.1:9',
              '--context',
              junkWord(rnd),
            ]),
          ]
        : []),
    ],
    () => ['env', 'remove', rnd.pick(ENV_NAMES)],
    () => [rnd.pick(GUARDED), '--zz-unknown-option', ...runFlags(rnd)],
    () => [rnd.pick(GUARDED), rnd.pick(['--help', '-h'])],
    () => ['help', rnd.pick(['run', 'validate', 'sessions', 'nope', ''])],
    () => [rnd.pick(['--help', '-h', '--version', '-V'])],
    () => ['--env', rnd.pick(ENV_NAMES), ...(rnd.chance(0.5) ? [junkWord(rnd)] : [])],
    () => [junkWord(rnd), ...(rnd.chance(0.5) ? [junkWord(rnd)] : [])],
    () => [],
    () => Array.from({ length: rnd.int(1, 8) }, () => junkWord(rnd)),
  ])();
  // Shuffle a little: options before the subcommand, repeated words.
  if (rnd.chance(0.1) && shape.length > 1)
    shape.splice(rnd.int(0, shape.length), 0, shape[rnd.int(0, shape.length - 1)]);
  if (rnd.chance(0.05)) shape.unshift(rnd.pick(['--rehearse', '--env', '--zz']));
  return shape.filter(safe);
}

/**
 * True when the vector could start a real run or reach a server; the test asserts none does.
 * A guarded command is safe only with an option commander refuses, or with --help.
 */
export function couldRun(argv: readonly string[]): boolean {
  if (argv.some((w) => !safe(w))) return true;
  let i = 0;
  while (i < argv.length && argv[i].startsWith('-')) i += argv[i] === '--env' ? 2 : 1;
  const command = argv[i];
  return (
    command !== undefined &&
    GUARDED.includes(command) &&
    !argv.some((w) => w === '--zz-unknown-option' || w === '--help' || w === '-h')
  );
}
