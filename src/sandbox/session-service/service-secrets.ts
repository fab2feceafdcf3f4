/**
 * The secrets the demo session-state-service reads at start, as a pod reads its Secret:
 * a restart is what makes it pick up rotated values, just like the real service.
 */
export interface ServiceSecrets {
  'jwt-secret': string;
  'jwt-secret-previous'?: string;
  'jwt-refresh-secret': string;
  'jwt-refresh-previous'?: string;
  'api-key': string;
  /** Bearer token for the admin endpoints (the guide's ADMIN_TOKEN). */
  'admin-token': string;
}

export type SecretsSource = () => Promise<ServiceSecrets>;
