import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createHash } from 'node:crypto';
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
import { keepAliveAgent, retriesOnFreshSocket } from './keep-alive.js';
import { countRequest } from './request-meter.js';

type Agents = Map<string, HttpAgent>;

/**
 * The client library makes a new agent for every request (so a new TCP and TLS handshake each
 * time); this keeps one keep-alive agent per server and TLS identity instead, built from the same
 * options (the kubeconfig's CA, client certificate, skip-verify, server name). Proxy agents are
 * used as given.
 */
function sharedAgent(agents: Agents, url: URL, given: unknown): HttpAgent | undefined {
  if (!(given instanceof HttpAgent) || (given.constructor !== HttpAgent && given.constructor !== HttpsAgent))
    return given as HttpAgent | undefined;
  const o = (given as HttpsAgent).options;
  const identity = [url.origin, o.ca, o.cert, o.key, o.pfx, o.passphrase, o.rejectUnauthorized, o.servername]
    .map((v) => (v === undefined ? '' : String(v)))
    .join('\0');
  const key = createHash('sha256').update(identity).digest('hex');
  let agent = agents.get(key);
  if (!agent) {
    agent = keepAliveAgent(url.href, { skipVerify: o.rejectUnauthorized === false });
    if (agent instanceof HttpsAgent)
      Object.assign(agent.options, {
        ca: o.ca,
        cert: o.cert,
        key: o.key,
        pfx: o.pfx,
        passphrase: o.passphrase,
        servername: o.servername,
      });
    agents.set(key, agent);
  }
  return agent;
}

/**
 * One request of the generated API clients over node:http(s), which never follows a redirect.
 * Their default (node-fetch) follows one to another port or to http:// with the bearer token
 * still attached; here a 3xx is refused, naming where it pointed.
 */
function send(agents: Agents, request: RequestContext): Promise<ResponseContext> {
  const method = request.getHttpMethod().toString();
  return retriesOnFreshSocket(method, () => sendOnce(agents, request));
}

function sendOnce(agents: Agents, request: RequestContext): Promise<ResponseContext> {
  return new Promise((resolve, reject) => {
    countRequest('kubernetes');
    const url = new URL(request.getUrl());
    const method = request.getHttpMethod().toString();
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      {
        method,
        headers: request.getHeaders(),
        agent: sharedAgent(agents, url, request.getAgent()),
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
    req.on('error', (error) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
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

/** The transport of one Kubernetes port: its API clients share its connections. */
export interface KubeTransport {
  /** `kc.makeApiClient(Api)`, with the transport above instead of node-fetch. */
  makeApiClient<T>(kc: KubeConfig, Api: new (config: ReturnType<typeof createConfiguration>) => T): T;
  /** Closes the kept-alive connections. */
  close(): void;
}

/** A transport whose API clients share one keep-alive agent per server (see sharedAgent). */
export function kubeTransport(): KubeTransport {
  const agents: Agents = new Map();
  const noRedirects = wrapHttpLibrary({ send: (request) => send(agents, request) });
  return {
    makeApiClient: (kc, Api) => makeApiClient(kc, Api, noRedirects),
    close: () => {
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
    },
  };
}

function makeApiClient<T>(
  kc: KubeConfig,
  Api: new (config: ReturnType<typeof createConfiguration>) => T,
  noRedirects: ReturnType<typeof wrapHttpLibrary>,
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
