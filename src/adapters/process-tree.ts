import { readdirSync, readFileSync } from 'node:fs';

interface ProcessRow {
  ppid: number;
  state: string;
  command: string;
}

/** Every process /proc shows (Linux): parent, state and command name. Empty where there is no /proc. */
function processTable(): Map<number, ProcessRow> {
  const table = new Map<number, ProcessRow>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return table;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (command) state ppid …"; the command may itself hold spaces and parentheses.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const [state, ppid] = stat.slice(close + 2).split(' ');
      table.set(Number(entry), {
        ppid: Number(ppid),
        state,
        command: stat.slice(stat.indexOf('(') + 1, close),
      });
    } catch {
      // gone while we looked
    }
  }
  return table;
}

function send(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Kills a script's whole tree: its process group, and on Linux every descendant found in /proc,
 * which covers a child that left the group (`setsid`). Everything found is stopped first, so
 * nothing forks or loses its parent while the tree is walked; then all of it is killed.
 * Returns the pids it killed.
 */
export function killTree(pid: number): Set<number> {
  const tree = new Set<number>([pid]);
  send(-pid, 'SIGSTOP');
  send(pid, 'SIGSTOP');
  // Rescan a few times: a child forked between one scan and its parent's stop shows up in the next.
  for (let round = 0; round < 10; round++) {
    const table = processTable();
    let grew = false;
    for (let added = true; added;) {
      added = false;
      for (const [p, row] of table) {
        if (tree.has(p) || !tree.has(row.ppid)) continue;
        tree.add(p);
        send(p, 'SIGSTOP');
        added = grew = true;
      }
    }
    if (!grew) break;
  }
  send(-pid, 'SIGKILL');
  for (const p of tree) send(p, 'SIGKILL');
  return tree;
}

/**
 * Processes still alive (not zombies) whose environment carries `marker` (`NAME=value`) and that
 * are not among `killed`: what a script started that escaped both the group and the /proc walk,
 * such as a double-forked daemon. As `pid (command)`.
 */
export function leftRunning(marker: string, killed: ReadonlySet<number>): string[] {
  const out: string[] = [];
  for (const [pid, row] of processTable()) {
    if (killed.has(pid) || row.state === 'Z' || row.state === 'X') continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(marker))
        out.push(`${pid} (${row.command})`);
    } catch {
      // not ours to read, or gone
    }
  }
  return out;
}
