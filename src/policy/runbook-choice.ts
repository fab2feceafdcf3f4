/** The kinds of secret a policy may name; each has a shipped runbook. */
export const SECRET_TYPES = ['database', 'api-key', 'certificate', 'generic'] as const;
export type SecretType = (typeof SECRET_TYPES)[number];

/** The runbook each secret type rotates with, unless a policy names one. */
export const RUNBOOK_FOR_TYPE: Record<SecretType, string> = {
  database: 'postgres',
  'api-key': 'api-key',
  certificate: 'certificate',
  generic: 'generic',
};

/** The shipped runbook that runs a policy's own rotation script. */
export const CUSTOM_SCRIPT_RUNBOOK = 'custom-script';

/** The runbook a policy rotates with: the named one, else its script's, else its secret type's. */
export function runbookFor(policy: {
  runbook?: string;
  rotation_script_path?: string;
  secret_type: SecretType;
}): string {
  if (policy.runbook) return policy.runbook;
  if (policy.rotation_script_path) return CUSTOM_SCRIPT_RUNBOOK;
  return RUNBOOK_FOR_TYPE[policy.secret_type];
}
