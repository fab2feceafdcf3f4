import { RotorError, UsageError } from '../../errors.js';
import type { ScriptAccess } from '../../ports/script-port.js';

/**
 * Why a script may not run, as the operator reads it, or undefined when it may. A script that is
 * not trusted (relative path, writable by others, a stranger's) is bad input: exit 2.
 */
export function scriptRefusal(path: string, access: ScriptAccess): RotorError | undefined {
  if (access === 'ok') return undefined;
  if (access === 'missing' || access === 'not-a-file') {
    return new RotorError(`Rotation script not found: ${path}`, {
      hint: 'verify the script path exists on the machine running rotor (rotation_script_path in the policy)',
    });
  }
  if (access === 'not-executable') {
    return new RotorError(`Rotation script is not executable: ${path}`, { hint: `chmod +x ${path}` });
  }
  return new UsageError(`Rotation script ${path} is not trusted: ${access.problem}`, access.fix);
}
