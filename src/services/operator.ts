import { hostname, userInfo } from 'node:os';

/** `user@host`, recorded in every journal as who ran the session. */
export function operatorName(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // containers may run as a uid with no passwd entry
  }
  return `${user}@${hostname()}`;
}
