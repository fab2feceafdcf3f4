import type { ActionDefinition } from '../types.js';
import { rabbitmqCheckLogin } from './check-login.js';
import { rabbitmqSetPassword } from './set-password.js';

/**
 * The `rabbitmq.*` step kinds: RabbitMQ user passwords through the management API. A new one gets
 * its own file, named after its id, and a line here.
 */
export const rabbitmqActions: readonly ActionDefinition[] = [rabbitmqSetPassword, rabbitmqCheckLogin];
