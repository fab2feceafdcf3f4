import { constants, type Stats } from 'node:fs';
import { access, lstat, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ScriptAccess, ScriptDistrust } from '../ports/script-port.js';

const octal = (mode: number) => `0${(mode & 0o7777).toString(8)}`;

/** Root and the user rotor runs as are the only owners whose files rotor will run. */
function trustedOwner(uid: number): boolean {
  return uid === 0 || uid === process.getuid?.();
}

/**
 * What makes one file or folder untrusted, if anything. A folder others may write lets them
 * swap the script; the exception is a root-owned sticky folder such as /tmp, where nobody may
 * rename or remove an entry that is not theirs.
 */
function distrust(path: string, info: Stats, kind: 'script' | 'folder'): ScriptDistrust | undefined {
  const name = kind === 'script' ? `the file ${path}` : `its folder ${path}`;
  if (!trustedOwner(info.uid)) {
    return {
      problem: `${name} belongs to uid ${info.uid}, neither root nor the user rotor runs as, so that user could change what rotor runs`,
      fix: `chown root ${path} (or your own user), after checking its contents`,
    };
  }
  const stickyRootFolder = kind === 'folder' && (info.mode & 0o1000) !== 0 && info.uid === 0;
  if ((info.mode & 0o022) !== 0 && !stickyRootFolder) {
    const who = (info.mode & 0o002) !== 0 ? 'anyone on this machine' : 'its group';
    return {
      problem: `${name} is writable by ${who} (mode ${octal(info.mode)}), who could change what rotor runs`,
      fix: `chmod go-w ${path}`,
    };
  }
  return undefined;
}

/** Every folder from `path`'s parent up to `/`. */
function folders(path: string): string[] {
  const out: string[] = [];
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    out.push(dir);
    if (dir === dirname(dir)) return out;
  }
}

/**
 * Whether rotor may run the script at `path`: an absolute path to an executable regular file
 * that only root or rotor's own user can change, as can every folder above it (those of the
 * path as given and of the file it resolves to). Checked before the first change of a session
 * and again just before the script runs.
 */
export async function scriptAccess(path: string): Promise<ScriptAccess> {
  if (!isAbsolute(path)) {
    return {
      problem: 'the path is relative, so what runs would depend on the folder rotor was started in',
      fix: `give the absolute path (from here that is ${resolve(path)}), after checking it is the script you mean`,
    };
  }
  let real: string;
  let info: Stats;
  try {
    real = await realpath(path);
    info = await stat(real);
  } catch {
    return 'missing';
  }
  if (!info.isFile()) return 'not-a-file';
  const own = distrust(real, info, 'script');
  if (own) return own;
  // A symlink on the path as given can be pointed elsewhere by its owner at any time (in a sticky
  // folder such as /tmp, that owner may replace it too): only root or rotor's user may own one.
  for (const entry of [path, ...folders(path)]) {
    let entryInfo: Stats;
    try {
      entryInfo = await lstat(entry);
    } catch {
      return 'missing';
    }
    if (entryInfo.isSymbolicLink() && !trustedOwner(entryInfo.uid))
      return {
        problem: `the symlink ${entry} belongs to uid ${entryInfo.uid}, neither root nor the user rotor runs as, so that user could point it at another script`,
        fix: `give the path the link resolves to (${real}), after checking it is the script you mean`,
      };
  }
  for (const folder of new Set([...folders(path), ...folders(real)])) {
    let folderInfo: Stats;
    try {
      folderInfo = await stat(folder);
    } catch {
      return 'missing';
    }
    const problem = distrust(folder, folderInfo, 'folder');
    if (problem) return problem;
  }
  try {
    await access(real, constants.X_OK);
    return 'ok';
  } catch {
    return 'not-executable';
  }
}
