import { z } from 'zod';
import { parseKvPath, parseMount, VaultPathError } from '../vault-path/index.js';

/** A KV path as rotor spells it everywhere (`harmonyflow/postgres-admin`), refused at load otherwise. */
const kvPath = z.string().superRefine((text, ctx) => {
  try {
    parseKvPath(text, { input: 'the Vault reference' });
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: error instanceof VaultPathError ? error.message : String(error),
    });
  }
});

const mount = z.string().superRefine((text, ctx) => {
  try {
    parseMount(text, 'the KV mount');
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: error instanceof VaultPathError ? error.message : String(error),
    });
  }
});

/** `{ vault: harmonyflow/postgres-admin, field: url }`: a field of a KV v2 secret, read at run time. */
export const vaultRefSchema = z
  .object({
    vault: kvPath.describe('the KV v2 path inside the mount, such as harmonyflow/postgres-admin'),
    field: z.string().min(1).describe('the field of that secret, such as url'),
    mount: mount.optional().describe('the KV v2 mount (default secret)'),
  })
  .strict();

/** An input's value: text (numbers and booleans as written), or a Vault reference. */
export const inputValueSchema = z.union([z.string(), z.number(), z.boolean(), vaultRefSchema]);

/** Input values by input name. */
export const inputValuesSchema = z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), inputValueSchema);

/**
 * How rotor logs in to Vault. `token`: the operator's own (VAULT_TOKEN, ~/.vault-token), as the
 * Vault CLI finds it. `approle`: the role id here, the secret id from a variable (never this file).
 * `kubernetes`: the pod's service-account token and a role (Vault's Kubernetes auth), as the
 * CronJob logs in; no secret in the file or in a variable.
 */
export const vaultAuthSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('token') }).strict(),
  z
    .object({
      method: z.literal('approle'),
      role_id: z.string().min(1),
      secret_id_env: z
        .string()
        .regex(/^[A-Z_][A-Z0-9_]*$/)
        .default('VAULT_SECRET_ID')
        .describe('the variable that holds the secret id'),
      mount: z.string().default('approle'),
    })
    .strict(),
  z
    .object({
      method: z.literal('kubernetes'),
      role: z.string().min(1).describe("the Vault role bound to the pod's service account"),
      token_path: z
        .string()
        .min(1)
        .default('/var/run/secrets/kubernetes.io/serviceaccount/token')
        .describe('the service-account token file, read again at each login'),
      mount: z.string().default('kubernetes'),
    })
    .strict(),
]);

const vaultSchema = z
  .object({
    address: z
      .string()
      .regex(/^https?:\/\/[^\s/]+/, 'an http(s) URL, such as https://vault.example:8200')
      .describe('VAULT_ADDR of this environment'),
    namespace: z.string().min(1).optional().describe('Vault Enterprise namespace'),
    ca_cert: z.string().min(1).optional().describe('PEM file of the CA that signed the Vault certificate'),
    auth: vaultAuthSchema.default({ method: 'token' }),
  })
  .strict();

const kubernetesSchema = z
  .object({
    context: z.string().min(1).optional().describe('kubeconfig context'),
    kubeconfig: z
      .string()
      .min(1)
      .optional()
      .describe('kubeconfig file (default: KUBECONFIG, ~/.kube/config)'),
  })
  .strict();

/** One environment: where its Vault and cluster are, how careful to be, and its input values. */
export const inventoryEnvironmentSchema = z
  .object({
    description: z.string().optional(),
    protected: z
      .boolean()
      .default(false)
      .describe('production-like: the operator types the name before the first change'),
    allow_insecure_tls: z
      .boolean()
      .default(false)
      .describe('on a protected environment, accept plain http or skipped TLS verification'),
    vault: vaultSchema.optional(),
    kubernetes: kubernetesSchema.optional(),
    inputs: inputValuesSchema.default({}).describe('values for every runbook that declares the input'),
    runbooks: z
      .record(z.string(), inputValuesSchema)
      .default({})
      .describe('values for one runbook, by runbook id; they win over the shared inputs'),
  })
  .strict();

const environmentName = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and "-"')
  .refine((n) => n !== 'sandbox' && n !== 'local', 'sandbox and local are built in');

/** The inventory file: every environment a team rotates in, kept in git. */
export const inventorySchema = z
  .object({
    environments: z.record(environmentName, inventoryEnvironmentSchema),
  })
  .strict();

export type Inventory = z.infer<typeof inventorySchema>;
export type InventoryEnvironment = z.infer<typeof inventoryEnvironmentSchema>;
export type InputValue = z.infer<typeof inputValueSchema>;
export type VaultAuth = z.infer<typeof vaultAuthSchema>;
