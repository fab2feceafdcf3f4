import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { runCli } from './cli.js';

/** A `rotor …` command as a remedy prints it, split into words; `<…>` marks a placeholder. */
export interface HintCommand {
  /** Where it was found (file, or the scenario that printed it). */
  where: string;
  text: string;
  words: string[];
}

const SRC = resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** `${…}` (balanced, nested template literals included) becomes the placeholder `<x>`. */
function withoutInterpolations(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '{') {
      let depth = 0;
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === '{') depth++;
        else if (text[j] === '}' && --depth === 0) break;
      }
      out += '<x>';
      i = j;
    } else out += text[i];
  }
  return out;
}

/**
 * Every `rotor <command> …` in a text whose first word is one of rotor's commands (so prose
 * such as "rotor cannot find" is not taken for one), with the words after it up to the end of
 * the clause; problemWith decides, from the command's help, where the command itself ends.
 */
export function commandsIn(text: string, where: string, commands: ReadonlySet<string>): HintCommand[] {
  const found: HintCommand[] = [];
  for (const match of withoutInterpolations(text).matchAll(/\brotor ([a-z][a-z-]*)([^`'"\n;,)\\]*)/g)) {
    if (!commands.has(match[1])) continue;
    const words = [match[1], ...match[2].trim().split(/\s+/).filter(Boolean)];
    // `rotor policy enable|disable <path>` names two commands.
    const [first, second = '', ...rest] = words;
    for (const alternative of /^[a-z-]+(\|[a-z-]+)+$/.test(second) ? second.split('|') : [second]) {
      const each = [first, alternative, ...rest].filter((w, i) => i !== 1 || w !== '');
      found.push({ where, text: `rotor ${each.join(' ')}`, words: each });
    }
  }
  return found;
}

/** Every rotor command written in rotor's own source. */
export function commandsInSource(commands: ReadonlySet<string>): HintCommand[] {
  return sourceFiles(SRC).flatMap((file) =>
    commandsIn(readFileSync(file, 'utf8'), relative(resolve(SRC, '..'), file), commands),
  );
}

/** rotor's top-level command names, and the subcommands of each group, from its own help. */
export async function commandTree(): Promise<Map<string, Set<string>>> {
  const names = (help: string) =>
    new Set(
      [...(help.split('Commands:')[1]?.matchAll(/^ {2}([a-z][a-z-]*)/gm) ?? [])]
        .map((m) => m[1])
        .filter((n) => n !== 'help'),
    );
  const top = names((await runCli(['--help'])).stdout);
  const tree = new Map<string, Set<string>>();
  for (const name of top) {
    const help = (await runCli([name, '--help'])).stdout;
    tree.set(name, help.includes('Commands:') ? names(help) : new Set());
  }
  return tree;
}

/**
 * Why the command would not be accepted as written (an unknown command, option or too many
 * arguments), or undefined. Judged from `rotor <command> --help`, which commander builds from
 * the same definitions that parse the command line.
 */
export async function problemWith(
  command: HintCommand,
  tree: Map<string, Set<string>>,
  helps: Map<string, string>,
): Promise<string | undefined> {
  const [first, second, ...rest] = command.words;
  const subs = tree.get(first);
  if (!subs) return `no command "${first}"`;
  // A group named alone (`rotor policy`) prints its help: a fine thing to point at.
  if (subs.size > 0 && !/^[a-z]/.test(second ?? '')) return undefined;
  if (subs.size > 0 && !subs.has(second)) return `no command "${first} ${second}"`;
  const path = subs.size > 0 ? [first, second] : [first];
  const args = subs.size > 0 ? rest : command.words.slice(1);
  const key = path.join(' ');
  if (!helps.has(key)) {
    const run = await runCli([...path, '--help']);
    if (run.code !== 0) return `rotor ${key} --help failed: ${run.stderr}`;
    helps.set(key, run.stdout);
  }
  const help = helps.get(key)!;
  const usage = /^Usage: rotor .*$/m.exec(help)?.[0] ?? '';
  const positional = usage.split('[options]')[1]?.match(/[<[][^>\]]+[>\]]/g)?.length ?? 0;
  let given = 0;
  for (let i = 0; i < args.length; i++) {
    const word = args[i];
    if (/^-{1,2}[a-z]/.test(word)) {
      const name = word.split('=')[0];
      const line = help.split('\n').find((l) => l.split(/[\s,]+/).includes(name));
      if (!line) return `rotor ${key} has no option ${name}`;
      if (new RegExp(`${name} [<[]`).test(line) && !word.includes('=')) i++;
      continue;
    }
    // Past the arguments the command takes, the sentence goes on ("… --confirm (journalled)").
    if (given >= positional) break;
    given++;
  }
  return undefined;
}
