import type { SourcedInputs } from '../inventory/layers.js';
import { WorldValue } from '../runbook/input-values.js';
import type { Runbook } from '../runbook/schema.js';

/**
 * The sandbox's inventory: what an inventory gives a real environment, the sandbox gives itself.
 * Its addresses and administrators' credentials exist once its world is up, so each is a world
 * value (`{{ env.ROTOR_SANDBOX_* }}`, filled from the world's own variables, never the shell's).
 */
export const SANDBOX_INVENTORY = {
  inputs: {
    nodes: '{{ env.ROTOR_SANDBOX_REDIS_NODES }}',
    redis_nodes: '{{ env.ROTOR_SANDBOX_REDIS_NODES }}',
    management_url: '{{ env.ROTOR_SANDBOX_RABBITMQ_API }}',
    amqp_url: '{{ env.ROTOR_SANDBOX_RABBITMQ_AMQP }}',
    db_url: '{{ env.ROTOR_SANDBOX_PG_URL }}',
    postgres_url: '{{ env.ROTOR_SANDBOX_PG_URL }}',
  } as Record<string, string>,
  runbooks: {
    postgres: { admin_url: '{{ env.ROTOR_SANDBOX_PG_ADMIN_URL }}' },
    rabbitmq: { admin_password: '{{ env.ROTOR_SANDBOX_RABBITMQ_ADMIN_PASSWORD }}' },
    emergency: {
      admin_url: '{{ env.ROTOR_SANDBOX_PG_ADMIN_URL }}',
      admin_token: '{{ env.ROTOR_SANDBOX_ADMIN_TOKEN }}',
      rabbitmq_admin_password: '{{ env.ROTOR_SANDBOX_RABBITMQ_ADMIN_PASSWORD }}',
    },
  } as Record<string, Record<string, string>>,
};

/**
 * The sandbox's values for one runbook's inputs: those it declares without a default of its
 * own (a custom runbook's default, such as a real server named on purpose, stays).
 */
export function sandboxLayer(runbook: Runbook): SourcedInputs {
  const out: SourcedInputs = {};
  const open = (name: string) => name in runbook.inputs && runbook.inputs[name].default === undefined;
  for (const [name, template] of Object.entries(SANDBOX_INVENTORY.inputs))
    if (open(name))
      out[name] = { value: new WorldValue(template), source: 'inventory-shared', where: 'the sandbox' };
  for (const [name, template] of Object.entries(SANDBOX_INVENTORY.runbooks[runbook.id] ?? {}))
    if (open(name))
      out[name] = { value: new WorldValue(template), source: 'inventory-runbook', where: 'the sandbox' };
  return out;
}
