import { ApiException } from '@kubernetes/client-node';
import { RotorError } from '../errors.js';

/** What was being done when a call failed, for the message. */
export interface KubeOperation {
  verb: string;
  /** `deployments.apps`, `externalsecrets.external-secrets.io`, `secrets`. */
  resource: string;
  /** The kind, for "Deployment ns/name not found". */
  kind: string;
  namespace?: string;
  name?: string;
}

/** The connection the error happened on. */
export interface KubeWhere {
  context: string;
  server: string;
}

interface StatusLike {
  message?: string;
  reason?: string;
  details?: { name?: string; kind?: string };
}

/** The API's Status object, never the raw body (a body could hold an object's data). */
function statusOf(error: ApiException<unknown>): StatusLike | undefined {
  const body = error.body;
  try {
    const parsed = typeof body === 'string' ? JSON.parse(body) : body;
    return parsed && typeof parsed === 'object' && (parsed as { kind?: string }).kind === 'Status'
      ? (parsed as StatusLike)
      : undefined;
  } catch {
    return undefined;
  }
}

const objectName = (op: KubeOperation) => (op.namespace ? `${op.namespace}/${op.name}` : `${op.name}`);

/** A 404 on a resource type (not an object): the API does not serve it, e.g. External Secrets not installed. */
export function isMissingResourceType(error: unknown): boolean {
  if (!(error instanceof ApiException) || error.code !== 404) return false;
  const status = statusOf(error);
  return !status?.details?.name;
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

/** The namespace itself is absent (a list there is empty rather than 404, so callers check). */
export function namespaceNotFound(namespace: string, where: KubeWhere): RotorError {
  return new RotorError(
    `namespace "${namespace}" does not exist in context ${where.context} (${where.server})`,
    { hint: 'check the namespace input of the runbook, or the context' },
  );
}

/**
 * One clear RotorError per failure: unreachable (host:port), 401, 403 (verb on resource in
 * namespace), 404 (object, or its namespace when that is what is missing), 409, 422, others.
 * `namespaceMissing` is asked only on 404 so that the message can say which one is absent.
 */
export async function kubeError(
  error: unknown,
  op: KubeOperation,
  where: KubeWhere,
  namespaceMissing?: () => Promise<boolean>,
): Promise<RotorError> {
  if (error instanceof RotorError) return error;
  const at = `context ${where.context} (${where.server})`;
  if (!(error instanceof ApiException)) {
    const code =
      (error as { code?: string; cause?: { code?: string } }).code ??
      (error as { cause?: { code?: string } }).cause?.code;
    const text = code ?? (error as Error).message ?? String(error);
    return new RotorError(
      `cannot reach the Kubernetes API server at ${where.server} (context ${where.context}): ${text}`,
      {
        hint: /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(text)
          ? "the server's certificate is not trusted: check certificate-authority in the kubeconfig"
          : 'is the cluster up, and this machine on its network (VPN)? Check the server address in the kubeconfig',
      },
    );
  }
  const status = statusOf(error);
  const subject = op.name
    ? `${op.kind} ${objectName(op)}`
    : `${op.resource}${op.namespace ? ` in namespace ${op.namespace}` : ''}`;
  switch (error.code) {
    case 401:
      return new RotorError(
        `the Kubernetes API server at ${where.server} refused the credentials of context ${where.context} (401 Unauthorized)`,
        {
          hint: 'log in again or renew the token in the kubeconfig',
        },
      );
    case 403:
      return new RotorError(
        `forbidden: context ${where.context} may not ${op.verb} ${op.resource}${op.name ? ` "${op.name}"` : ''}${op.namespace ? ` in namespace ${op.namespace}` : ''} (403)`,
        {
          hint: `ask for RBAC permission to ${op.verb} ${op.resource}${op.namespace ? ` in namespace ${op.namespace}` : ''}, or use a context that has it (rotor env add <name> --context <context>, then --env <name>)`,
        },
      );
    case 404:
      if (op.namespace && namespaceMissing && (await namespaceMissing().catch(() => false)))
        return namespaceNotFound(op.namespace, where);
      if (isMissingResourceType(error)) {
        return new RotorError(`${at} does not serve ${op.resource}`, {
          hint: op.resource.includes('external-secrets')
            ? 'is External Secrets Operator installed in this cluster?'
            : 'check the cluster version',
        });
      }
      return new RotorError(`${subject} not found in ${at}`, {
        hint: 'check the name and namespace inputs of the runbook',
      });
    case 409:
      return new RotorError(`${subject} was changed by someone else while rotor updated it (409 Conflict)`, {
        hint: 'retry the step',
      });
    case 422:
      return new RotorError(`the API server rejected ${subject}: ${status?.message ?? 'invalid'} (422)`, {
        hint: 'fix the manifest or the parameters of the step',
      });
    default:
      return new RotorError(
        `${op.verb} ${subject} failed in ${at}: ${error.code}${status?.message ? ` ${status.message}` : ''}`,
        { hint: 'look at the API server and retry' },
      );
  }
}
