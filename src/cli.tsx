#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { prepareForTerminal, processEnvironment } from './environment.js';
import { RotorError, UsageError, describeErrorOnOneLine } from './errors.js';
import { processIo, type Io } from './commands/io.js';
import { faultHelp } from './sandbox/faults.js';
import { closest } from './runbook/closest.js';
import { withoutArgvValues } from './commands/journalled-command.js';
import type { RotorContext } from './services/rotor-context.js';
import type { StoreHost } from './services/stores.js';

// Before anything loads React or Ink (both load lazily, after this line).
prepareForTerminal(Boolean(process.stdin.isTTY && process.stdout.isTTY));

const collect = (value: string, previous: string[]) => [...previous, value];

const INVENTORY_HELP =
  'the inventory of environments (default: ROTOR_INVENTORY, ./rotor.inventory.yaml once trusted, the user config)';

/** `--inventory` as the command or the program was given it (`rotor --inventory f run …`). */
function inventoryFlag(program: Command, args: readonly unknown[]): string | undefined {
  const cmd = args.at(-1);
  const own = cmd instanceof Command ? cmd.opts<{ inventory?: string }>().inventory : undefined;
  return own ?? program.opts<{ inventory?: string }>().inventory;
}

/** Commander's `error: …` and `(Did you mean …?)` in rotor's form: one `rotor: ` line, then the hint. */
function commanderMessage(text: string): string {
  const [message, ...rest] = text
    .trim()
    .replace(/^error: /, '')
    .split('\n');
  const hint = rest
    .join(' ')
    .trim()
    .replace(/^\((.*)\)$/, '$1')
    .replace(/^Did you mean/, 'did you mean');
  return describeErrorOnOneLine(new UsageError(message, hint || 'see `rotor --help`'));
}

/**
 * The command line. Command modules load lazily so `rotor --version` stays as fast as Node
 * itself; this file is the one place that sets the exit code.
 */
export function buildProgram(
  io: Io,
  setExit: (code: number) => void,
  context: () => Promise<RotorContext>,
): Command {
  const program = new Command('rotor')
    .description('Walks an operator through secret-rotation runbooks for secrets kept in HashiCorp Vault')
    .option('--env <name>', 'environment to open the TUI in (sandbox, local, or a profile)')
    .option('--rehearse', 'mark the session as a drill')
    .option('--inventory <file>', INVENTORY_HELP)
    .exitOverride()
    // `--env` exists on the program (TUI) and on `run`: each must see its own.
    .enablePositionalOptions()
    .configureOutput({
      writeOut: (s) => io.stdout(s.trimEnd()),
      writeErr: (s) => io.stderr(s.trimEnd()),
      // Commander quotes the offending word, which may be a secret given where none belongs.
      outputError: (s) => io.stderr(`rotor: ${withoutArgvValues(commanderMessage(s), io.argv)}`),
    })
    .showSuggestionAfterError(true);

  const run =
    <T extends unknown[]>(fn: (ctx: RotorContext, ...args: T) => Promise<number> | number) =>
    async (...args: T) => {
      const ctx = await context();
      ctx.inventoryFlag = inventoryFlag(program, args);
      setExit(await fn(ctx, ...args));
    };

  program.action(
    run(async (ctx) => {
      const opts = program.opts<{ env?: string; rehearse?: boolean; version?: boolean }>();
      if (opts.version) {
        io.stdout((await import('./services/version.js')).rotorVersion());
        return 0;
      }
      if (program.args.length) unknownCommand(program, program.args);
      if (!io.isTTY)
        throw new RotorError('the TUI needs a terminal', {
          exitCode: 2,
          hint: 'use `rotor run <runbook> --yes` for headless runs, or `rotor runbooks` to list them',
        });
      await ctx.prepareEnvironment(opts.env);
      if (opts.env) ctx.environment(opts.env);
      const { runTui } = await import('./commands/tui.js');
      return runTui(ctx, { environment: opts.env, command: io.argv.join(' '), rehearse: opts.rehearse });
    }),
  );

  program
    .command('run')
    .description('run a runbook: the TUI on a terminal, headless with --yes')
    .argument('[runbook]', 'runbook id, or path to a runbook file')
    .option('--due', 'instead of a runbook: every secret whose rotation policy says it is due')
    .option('--env <name>', 'environment (default: the configured default, else local)')
    .option(
      '--set <name=value>',
      'set an input (repeatable); secret inputs come from ROTOR_INPUT_<NAME> (outside the sandbox) or the TUI',
      collect,
      [],
    )
    .option('-y, --yes', 'approve every step: headless, no prompts')
    .option('--dry-run', 'print the plan and what each step would change; change nothing')
    .option('--json', 'print one JSON event per line')
    .option('--confirm-env <name>', 'with --yes on a protected environment: its name')
    .option('--rehearse', 'mark the session as a drill')
    .option(
      '--fault <fault>',
      'sandbox only: a failure to rehearse (repeatable; `rotor sandbox --help` lists them)',
      collect,
      [],
    )
    .option('--allow-real-targets', 'sandbox only: let the drill dial real servers named in its inputs')
    .option(
      '--shard-index <i>',
      'with --due: take share i of the due policies (default JOB_COMPLETION_INDEX, as an Indexed Job sets)',
    )
    .option('--shard-count <n>', 'with --due: how many shares there are (default JOB_COMPLETIONS)')
    .action(
      run(async (ctx, ref: string | undefined, opts) =>
        (await import('./commands/run.js')).runCommand(ctx, ref, opts, io),
      ),
    );

  program
    .command('sandbox')
    .description(
      'serve the sandbox emulators on local ports (Vault, Kubernetes, the demo service) until Ctrl+C',
    )
    .option('--state <file>', 'keep the sandbox Vault state in this file (mode 0600) across restarts')
    .option('--fault <fault>', 'a failure to rehearse (repeatable, see below)', collect, [])
    .option('--tls', 'serve Vault over HTTPS with a CA generated for this run (prints VAULT_CACERT)')
    .option(
      '--forward <pod-port=host:port>',
      'a real server answering on a pod port, for port-forwards: <namespace>/<pod>:<port>=<host>:<port> (repeatable)',
      collect,
      [],
    )
    .addHelpText(
      'after',
      () => `\nFaults (--fault, also accepted by \`rotor run --env sandbox\`):\n${faultHelp()}`,
    )
    .action(run(async (_ctx, opts) => (await import('./commands/sandbox.js')).serveSandbox(opts, io)));

  // Rotation policies, kept in the environment's Vault. due, status, history and stats skip
  // RotorContext (they need no runbooks): `rotor due` must stay fast with 10,000 policies.
  const light =
    <T extends unknown[]>(fn: (host: StoreHost, ...args: T) => Promise<number>) =>
    async (...args: T) =>
      setExit(
        await fn(
          (await import('./services/stores.js')).lightHost(processEnvironment(), inventoryFlag(program, args)),
          ...args,
        ),
      );
  const policy = program
    .command('policy')
    .description("rotation policies: which secrets rotate when, kept in the environment's Vault");
  policy
    .command('add')
    .description('add or replace the rotation policy of a secret (fields as in the policy document)')
    .argument('[secret_path]', 'the secret in the KV mount, such as harmonyflow/redis')
    .option('--env <name>', 'environment whose Vault keeps the policy')
    .option('--file <policy.yaml>', 'the policy as YAML or JSON; flags given too win')
    .option('--rotation-type <type>', 'manual, automatic or scheduled')
    .option('--rotation-period-days <n>', 'days between rotations (scheduled needs this or --cron-schedule)')
    .option('--cron-schedule <expr>', 'five fields: minute hour day-of-month month day-of-week')
    .option('--timezone <tz>', 'IANA time zone of the cron schedule (default UTC)')
    .option('--rotation-script-path <path>', 'a custom rotation script (runs with the custom-script runbook)')
    .option('--inactive', 'keep the policy but do not rotate')
    .option('--no-notify-on-failure', 'no e-mail or webhook when a rotation fails')
    .option('--notify-emails <a,b>', 'who gets the failure e-mail (ROTOR_SMTP_URL)')
    .option('--max-retries <n>', 'attempts after a failed one (default 3)')
    .option('--no-rollback-on-failure', 'leave a failed rotation as it is instead of rolling back')
    .option('--secret-type <type>', 'database, api-key, certificate or generic: picks the runbook')
    .option('--runbook <id>', "the runbook to rotate with, instead of the secret type's")
    .option('--input <name=value>', 'a runbook input (repeatable); never a secret', collect, [])
    .option('--json', 'print the stored policy as JSON')
    .action(
      run(async (ctx, path: string | undefined, opts, cmd: Command) =>
        (await import('./commands/policy-commands.js')).addPolicy(
          ctx,
          path,
          opts,
          (o) => cmd.getOptionValueSource(o) === 'cli',
          io,
        ),
      ),
    );
  policy
    .command('list')
    .option('--env <name>')
    .option('--json', 'as JSON')
    .action(
      run(async (ctx, opts) => (await import('./commands/policy-commands.js')).listPolicies(ctx, opts, io)),
    );
  policy
    .command('show')
    .argument('<secret_path>')
    .option('--env <name>')
    .option('--json', 'as JSON')
    .action(
      run(async (ctx, path: string, opts) =>
        (await import('./commands/policy-commands.js')).showPolicy(ctx, path, opts, io),
      ),
    );
  policy
    .command('remove')
    .argument('<secret_path>')
    .option('--env <name>')
    .action(
      run(async (ctx, path: string, opts) =>
        (await import('./commands/policy-commands.js')).removePolicy(ctx, path, opts, io),
      ),
    );
  policy
    .command('browse')
    .description(
      "the policies screen: what is due soon, last status, one secret's history; r runs a policy now (exit code: that run's)",
    )
    .option('--env <name>')
    .action(
      run(async (ctx, opts) => (await import('./commands/policy-commands.js')).browsePolicies(ctx, opts, io)),
    );
  for (const [name, active] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    policy
      .command(name)
      .argument('<secret_path>')
      .option('--env <name>')
      .action(
        run(async (ctx, path: string, opts) =>
          (await import('./commands/policy-commands.js')).setPolicyActive(ctx, path, active, opts, io),
        ),
      );
  }

  program
    .command('due')
    .description('which secrets are due for rotation, and why')
    .option('--env <name>', 'environment whose Vault keeps the policies')
    .option('--all', 'every policy, also those not due')
    .option('--json', 'as JSON')
    .action(light(async (host, opts) => (await import('./commands/due.js')).dueCommand(host, opts, io)));

  program
    .command('status')
    .description("a secret's rotation status: scheduled, last_rotated, next_rotation")
    .argument('<secret_path>')
    .option('--env <name>')
    .option('--json', 'as JSON')
    .action(
      light(async (host, path: string, opts) =>
        (await import('./commands/status.js')).statusCommand(host, path, opts, io),
      ),
    );

  program
    .command('history')
    .description('rotations as runs recorded them, newest first (the newest 500 per secret are kept)')
    .argument('[secret_path]', 'one secret (default: all)')
    .option('--env <name>')
    .option('--limit <n>', 'how many (default 20)')
    .option('--json', 'as JSON')
    .action(
      light(async (host, path: string | undefined, opts) =>
        (await import('./commands/history.js')).historyCommand(host, path, opts, io),
      ),
    );

  program
    .command('stats')
    .description('rotation statistics: total, success and failure counts, success rate, average duration')
    .argument('[secret_path]', 'one secret (default: all)')
    .option('--env <name>')
    .option('--json', 'as JSON')
    .option('--format <format>', 'text, json, or prometheus (node exporter textfile collector)')
    .action(
      light(async (host, path: string | undefined, opts) =>
        (await import('./commands/stats.js')).statsCommand(host, path, opts, io),
      ),
    );

  program
    .command('check')
    .description('whether Vault, the synced Kubernetes Secrets, the pods (and the targets) agree, per secret')
    .argument(
      '[secret_path...]',
      'the secrets to check (default: every one with a policy or an ExternalSecret)',
    )
    .option('--env <name>', 'environment to check')
    .option('--json', 'one JSON object per secret as it is judged, then a summary (docs/check.md)')
    .option('--format <format>', 'text, json, or prometheus (node exporter textfile collector)')
    .option('--probe', 'also log in to each target with the credential Vault holds (read-only)')
    .option(
      '--fault <fault>',
      'sandbox only: drift or a failure to rehearse (repeatable; `rotor sandbox --help` lists them)',
      collect,
      [],
    )
    .action(
      light(async (host, paths: string[], opts) =>
        (await import('./commands/check.js')).checkCommand(host, paths, opts, io),
      ),
    );

  program
    .command('resume')
    .description('continue an interrupted session: finished steps are kept, the interrupted one is checked')
    .argument('<session-id>')
    .option('-y, --yes', 'headless: approve every remaining step')
    .option('--json', 'print one JSON event per line')
    .option(
      '--allow-real-targets',
      'sandbox sessions only: let the drill dial real servers named in its inputs',
    )
    .option('--confirm-env <name>', 'with --yes on a protected environment: its name')
    .action(
      run(async (ctx, id: string, opts) =>
        (await import('./commands/resume.js')).resumeCommand(ctx, id, opts, io),
      ),
    );

  program
    .command('unlock')
    .description('break a rotation lock whose session died (journalled)')
    .argument('<secret_path>')
    .option('--env <name>', 'environment whose Vault holds the lock')
    .option('--confirm', 'really break it')
    .action(
      run(async (ctx, path: string, opts) =>
        (await import('./commands/unlock.js')).unlockCommand(ctx, path, opts, io),
      ),
    );

  program
    .command('doctor')
    .description(
      "check the Vault token: what rotor needs, any write beyond it, who else writes rotor's store",
    )
    .option('--env <name>', 'environment whose Vault token to check')
    .option('--role <role>', 'operator (default) or cronjob: the policy to check against')
    .option('--prefix <team-prefix>', "the team's KV folder (default harmonyflow)")
    .option('--transit-key <name>', 'the transit key encryption-key rotates (default session-state)')
    .action(run(async (ctx, opts) => (await import('./commands/doctor.js')).doctorCommand(ctx, opts, io)));

  program
    .command('cronjob')
    .description(
      'print the Kubernetes CronJob that runs due rotations headless (rotor run --due --yes --json)',
    )
    .option(
      '--schedule <cron>',
      'five-field cron schedule (default "0 2 1 * *": 02:00 on the 1st, as the guide)',
    )
    .option(
      '--env <name>',
      'environment rotor runs in inside the pod (default local: VAULT_ADDR and the in-cluster account)',
    )
    .option('--service-account <name>', "the pod's service account (default vault-init)")
    .option('--name <name>', 'CronJob name (default secret-rotation)')
    .option('--namespace <ns>', 'CronJob namespace (default vault)')
    .option('--image <image>', 'an image with rotor in it')
    .option('--vault-addr <url>', 'VAULT_ADDR inside the pod (default https://vault.vault:8200)')
    .option(
      '--token-secret <name>',
      'Secret holding the Vault token under the key "token" (default vault-admin-token)',
    )
    .option(
      '--token-from <how>',
      'kubernetes (default: the service account logs in to Vault), volume (a token Secret mounted, as the guide) or env (secretKeyRef)',
    )
    .option('--vault-role <role>', 'Kubernetes auth: the Vault role (default rotor)')
    .option('--vault-auth-mount <path>', 'Kubernetes auth: the auth mount (default kubernetes)')
    .option(
      '--touches <namespaces>',
      'namespaces rotor touches, comma-separated: a Role and RoleBinding in each',
    )
    .option('--parallelism <n>', 'pods sharing the due policies: an Indexed Job of n (default 1)')
    .option(
      '--journal-claim <name>',
      'the PersistentVolumeClaim journals live on, to resume a killed Job (default rotor-journals)',
    )
    .option(
      '--apply <environment>',
      'create or update it there (a journalled session with kubernetes.apply-cronjob)',
    )
    .option('-y, --yes', 'with --apply: approve without asking')
    .option('--confirm-env <name>', 'with --apply --yes on a protected environment: its name')
    .option(
      '--check',
      'a CronJob that runs `rotor check --json` instead (default name secret-check, every 15 minutes; exit 1 is not retried)',
    )
    .action(run(async (ctx, opts) => (await import('./commands/cronjob.js')).cronJobCommand(ctx, opts, io)));

  program
    .command('runbooks')
    .description('list runbooks and their inputs')
    .option('--json', 'as JSON')
    .action(
      run(async (ctx, opts) => (await import('./commands/catalog-commands.js')).listRunbooks(ctx, opts, io)),
    );

  program
    .command('actions')
    .description('list the step kinds runbooks can use')
    .option('--json', 'as JSON')
    .action(
      run(async (ctx, opts) => (await import('./commands/catalog-commands.js')).listActions(ctx, opts, io)),
    );

  program
    .command('validate')
    .description('check a runbook file')
    .argument('<file>')
    .action(
      run(async (ctx, file: string) =>
        (await import('./commands/catalog-commands.js')).validateRunbook(ctx, file, io),
      ),
    );

  program
    .command('schema')
    .description('print the JSON Schema of runbook files, or of the inventory (for editor completion)')
    .argument('[kind]', 'runbook (default) or inventory')
    .action(
      run(async (_ctx, kind: string | undefined) =>
        (await import('./commands/catalog-commands.js')).printSchema(io, kind),
      ),
    );

  const sessions = program
    .command('sessions')
    .description('recorded sessions')
    .option('--json', 'as JSON')
    .action(run(async (ctx, opts) => (await import('./commands/sessions.js')).listSessions(ctx, opts, io)));
  sessions
    .command('show')
    .argument('<id>')
    .option('--markdown', 'a report an incident review can paste')
    .option('--json', 'the raw records')
    .action(
      run(async (ctx, id: string, opts) =>
        (await import('./commands/sessions.js')).showSession(ctx, id, opts, io),
      ),
    );
  sessions
    .command('verify')
    .description("check a journal's hash chain")
    .argument('<id>')
    .action(
      run(async (ctx, id: string) => (await import('./commands/sessions.js')).verifySession(ctx, id, io)),
    );

  const env = program.command('env').description('environments and profiles');
  env
    .command('list')
    .option('--json', 'as JSON')
    .action(run(async (ctx, opts) => (await import('./commands/env-commands.js')).listEnvs(ctx, opts, io)));
  env
    .command('add')
    .argument('<name>')
    .option('--protected', 'production-like: typed confirmation before changes')
    .option('--description <text>')
    .option('--vault-addr <url>')
    .option('--vault-namespace <ns>')
    .option('--context <name>', 'kubeconfig context')
    .option(
      '--allow-insecure-tls',
      'on a protected environment, accept plain http, VAULT_SKIP_VERIFY or insecure-skip-tls-verify',
    )
    .option('--default', 'use it when no --env is given')
    .action(
      run(async (ctx, name: string, opts) =>
        (await import('./commands/env-commands.js')).addEnv(ctx, name, opts, io),
      ),
    );
  env
    .command('show')
    .description(
      "an environment's settings and each runbook's inputs there, with where each value comes from",
    )
    .argument('<name>')
    .option('--runbook <id>', 'only this runbook')
    .option('--json', 'as JSON')
    .action(
      run(async (ctx, name: string, opts) =>
        (await import('./commands/env-show.js')).showEnv(ctx, name, opts, io),
      ),
    );
  env
    .command('trust')
    .description('trust the inventory in the working folder (by its path and content), as direnv allow')
    .argument('[file]', 'the inventory (default: the one rotor finds here)')
    .action(
      run(async (ctx, file: string | undefined) =>
        (await import('./commands/env-trust.js')).trustEnv(ctx, file, io),
      ),
    );
  env
    .command('remove')
    .argument('<name>')
    .action(
      run(async (ctx, name: string) => (await import('./commands/env-commands.js')).removeEnv(ctx, name, io)),
    );

  // Wherever an environment is named, the inventory that defines it can be named too.
  const withEnvironments = (cmd: Command): void => {
    for (const sub of cmd.commands) {
      const named = sub.options.some((o) => o.long === '--env');
      if (named || cmd.name() === 'env')
        if (!sub.options.some((o) => o.long === '--inventory'))
          sub.option('--inventory <file>', INVENTORY_HELP);
      withEnvironments(sub);
    }
  };
  withEnvironments(program);
  program.addOption(new Option('-V, --version', 'print the version').hideHelp());
  // Only the root takes extra words, so that `rotor foo` says "unknown command" (subcommands were
  // created above and keep refusing them).
  program.allowExcessArguments(true);
  return program;
}

/** `rotor help <command>` shows that command's help; any other word is an unknown command. */
function unknownCommand(program: Command, args: readonly string[]): never {
  const names = program.commands.map((c) => c.name());
  if (args[0] === 'help') (program.commands.find((c) => c.name() === args[1]) ?? program).help();
  const near = closest(args[0], names);
  throw new UsageError(
    `unknown command "${args[0]}"`,
    near
      ? `did you mean \`rotor ${near}\`? \`rotor --help\` lists the commands`
      : `the commands: ${names.join(', ')}`,
  );
}

/** Runs the CLI and returns the exit code; never calls process.exit itself. */
export async function main(io: Io = processIo()): Promise<number> {
  let code = 0;
  const program = buildProgram(
    io,
    (c) => (code = c),
    async () => new (await import('./services/rotor-context.js')).RotorContext(),
  );
  try {
    await program.parseAsync([...io.argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.help' ||
        error.code === 'commander.version'
      )
        return 0;
      await recordRefusalOf(io, error);
      return 2;
    }
    const refused = error instanceof RotorError && error.exitCode === 2;
    const line = describeErrorOnOneLine(error);
    io.stderr(`rotor: ${refused ? withoutArgvValues(line, io.argv) : line}`);
    if (refused) await recordRefusalOf(io, error);
    if (error instanceof RotorError) return error.exitCode;
    return 1;
  }
}

/** Bad usage changes nothing, but the attempt is journalled for the record. */
async function recordRefusalOf(io: Io, error: unknown): Promise<void> {
  const { recordRefusal } = await import('./commands/refusal.js');
  recordRefusal(processEnvironment(), io.argv, error);
}

const fastVersion =
  process.argv.length === 3 && (process.argv[2] === '--version' || process.argv[2] === '-V');
if (fastVersion) {
  const { rotorVersion } = await import('./services/version.js');
  process.stdout.write(`${rotorVersion()}\n`);
} else if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/rotor')) {
  process.exitCode = await main();
}
