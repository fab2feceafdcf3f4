import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  createConfiguration,
  ResponseContext,
  SelfDecodingBody,
  ServerConfiguration,
  wrapHttpLibrary,
  type KubeConfig,
  type RequestContext,
} from '@kubernetes/client-node';
import { RotorError } from '../errors.js';

/**
 * One request of the generated API clients over node:http(s), which never follows a redirect.
 * Their default (node-fetch) follows one to another port or to http:// with the bearer token
 * still attached; here a 3xx is refused, naming where it pointed.
 */
function send(request: RequestContext): Promise<ResponseContext> {
  return new Promise((resolve, reject) => {
    const url = new URL(request.getUrl());
    const method = request.getHttpMethod().toString();
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      {
        method,
        headers: request.getHeaders(),
        agent: request.getAgent(),
        signal: request.getSignal(),
        // Verify unless the kubeconfig says otherwise (its agent's own `false` wins over this):
        // left unset, Node would read NODE_TLS_REJECT_UNAUTHORIZED from the shell, and a shell
        // variable must not turn verification off behind the protected-environment check.
        rejectUnauthorized: true,
      },
      (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          res.resume();
          const location = res.headers.location;
          const target =
            location && URL.canParse(location, url) ? new URL(location, url).origin : 'elsewhere';
          reject(
            new RotorError(
              `the Kubernetes API server at ${url.host} answered ${status} to ${method} ${url.pathname} (redirected to ${target}, not followed)`,
              {
                hint: 'set the server in the kubeconfig to the address that answers itself: rotor does not follow redirects, which would carry the credentials elsewhere',
              },
            ),
          );
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers))
            if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
          resolve(
            new ResponseContext(
              status,
              headers,
              new SelfDecodingBody(Promise.resolve(Buffer.concat(chunks))),
            ),
          );
        });
      },
    );
    req.on('error', reject);
    const body = request.getBody();
    req.end(
      typeof body === 'string' || Buffer.isBuffer(body)
        ? body
        : body === undefined
          ? undefined
          : String(body),
    );
  });
}

const noRedirects = wrapHttpLibrary({ send });

/** `kc.makeApiClient(Api)`, with the transport above instead of node-fetch. */
export function makeApiClient<T>(
  kc: KubeConfig,
  Api: new (config: ReturnType<typeof createConfiguration>) => T,
): T {
  const cluster = kc.getCurrentCluster();
  if (!cluster)
    throw new RotorError('the kubeconfig has no current cluster', { hint: 'pick a context (--context)' });
  return new Api(
    createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kc },
      httpApi: noRedirects,
    }),
  );
}
