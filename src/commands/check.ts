import { runDigest } from '../check/digest.js';
import { checkPrometheusText } from '../check/prometheus.js';
import { summarize } from '../check/row-state.js';
import { runChecks } from '../check/run-checks.js';
import type { CheckSources } from '../check/sources.js';
import { findingLines, headerLine, rowLine, summaryLine } from '../check/table.js';
import type { CheckRow } from '../check/types.js';
import { RotorError, UsageError } from '../errors.js';
import { canonicalSecretPath } from '../policy/secret-path.js';
import { checkFaults } from '../sandbox/faults.js';
import { openCheckSources } from './check-sources.js';
import type { Io } from './io.js';
import type { StoreHost } from '../services/stores.js';

/** `rotor check` options, as the command line gives them. */
export interface CheckCommandOptions {
  env?: string;
  json?: boolean;
  format?: string;
  probe?: boolean;
  fault?: string[];
}

const FORMATS = ['text', 'json', 'prometheus'];

/** Checks every usage error before anything is dialled: the format, the paths, the faults. */
export function checkUsage(
  paths: readonly string[],
  options: CheckCommandOptions,
): { format: string; paths: string[] } {
  const format = options.json ? 'json' : (options.format ?? 'text');
  if (!FORMATS.includes(format))
    throw new UsageError(
      `--format ${format}: not a format of rotor check`,
      `use one of ${FORMATS.join(', ')}`,
    );
  if (options.json && options.format && options.format !== 'json')
    throw new UsageError(`--json and --format ${options.format} ask for two outputs`, 'give one of them');
  checkFaults(options.fault ?? []);
  if (options.fault?.length && options.env !== 'sandbox')
    throw new UsageError('--fault creates drift in the sandbox only', 'add --env sandbox');
  return { format, paths: paths.map((p) => canonicalSecretPath(p)) };
}

/** Policies cannot be read: with paths given the run goes on without them, else there is nothing to check. */
function tolerantPolicies(sources: CheckSources, given: boolean): CheckSources {
  return {
    ...sources,
    policies: async () => {
      try {
        return await sources.policies();
      } catch (error) {
        if (given) return { policies: [], lastSuccess: new Map() };
        throw new RotorError(`could not list the rotation policies: ${(error as Error).message}`, {
          exitCode: 3,
          hint: 'name the secrets to check (`rotor check <path>…`), or fix access to the policy store',
        });
      }
    },
  };
}

/** Writes the rows in the chosen format; JSON rows stream as each is judged. */
function reporter(format: string, io: Io) {
  return {
    onRow: (row: CheckRow) => {
      if (format === 'json') io.stdout(JSON.stringify({ type: 'check-row', at: Date.now(), ...row }));
    },
    end: (rows: CheckRow[], now: Date) => {
      const summary = summarize(rows);
      if (format === 'json') io.stdout(JSON.stringify({ type: 'check-summary', at: Date.now(), ...summary }));
      else if (format === 'prometheus') io.stdout(checkPrometheusText(rows, summary, now).trimEnd());
      else {
        io.stdout(headerLine());
        for (const row of rows) io.stdout(rowLine(row));
        const findings = rows.flatMap(findingLines);
        if (findings.length) io.stdout(['', ...findings].join('\n'));
        io.stdout(`\n${summaryLine(summary)}`);
      }
      return summary.exit_code;
    },
  };
}

/**
 * `rotor check [path…]`: for each secret, whether Vault, its ExternalSecret's Secret, the pods
 * that read it (and with --probe the target) agree. Exit 0 all agree, 1 drift or overdue, 3 some
 * rows not judged and none drifted, 2 bad usage.
 */
export async function checkCommand(
  host: StoreHost,
  givenPaths: readonly string[],
  options: CheckCommandOptions,
  io: Io,
): Promise<number> {
  const { format, paths } = checkUsage(givenPaths, options);
  const digest = runDigest();
  const opened = await openCheckSources(
    host,
    options.env,
    options.fault ?? [],
    digest,
    options.probe === true,
  );
  try {
    const out = reporter(format, io);
    const rows = await runChecks(tolerantPolicies(opened.sources, paths.length > 0), {
      paths,
      environment: options.env,
      digest,
      onRow: out.onRow,
    });
    return out.end(rows, new Date());
  } finally {
    await opened.close();
  }
}
