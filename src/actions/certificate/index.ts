import type { ActionDefinition } from '../types.js';
import type { X509Port } from '../../ports/x509-port.js';
import { certificateInspect } from './inspect.js';
import { certificateValidate } from './validate.js';

/**
 * The `certificate.*` step kinds. Parsing is pure computation, so the port is given once when the
 * registry is built (src/actions/index.ts) rather than per environment.
 */
export function certificateActions(x509: X509Port): readonly ActionDefinition[] {
  return [certificateValidate(x509), certificateInspect(x509)];
}
