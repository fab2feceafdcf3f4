import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { ServerResponse } from 'node:http';
import { Access, type DenyRule } from './access.js';
import { ExternalSecretsController, type ReadSecret } from './external-secrets.js';
import { EventRecorder } from './events.js';
import { Failures, type InjectedFailure } from './failures.js';
import { writeKubeconfig, SANDBOX_CONTEXT } from './kubeconfig.js';
import { PodLifecycle } from './pod-lifecycle.js';
import { PodTermination } from './pod-termination.js';
import { PodLogs } from './pods.js';
import { PortBackends, type PortBackendRule } from './port-backends.js';
import { attachPortForward } from './port-forward.js';
import { ServiceAccountTokens } from './token-review.js';
import { findKind } from './resources.js';
import { guideSeed, type SeedSpec } from './seed.js';
import { createApiServer } from './server.js';
import { ObjectStore, type KubeObject } from './store.js';
import { Timers } from './timers.js';
import { servingCertificate } from './tls.js';
import { WorkloadController } from './workloads.js';
import { commitUpdate, createObject } from './write.js';

export type { DenyRule } from './access.js';
export type { InjectedFailure, PodFailure, SyncFailure } from './failures.js';
export type { ReadSecret } from './external-secrets.js';
export type { SeedSpec } from './seed.js';
export type { PortBackend, PortBackendRule } from './port-backends.js';
export type { KubeObject } from './store.js';
export { guideSeed, guideSecretPaths } from './seed.js';
export { SANDBOX_CONTEXT } from './kubeconfig.js';
export { DATA_HASH } from './external-secrets.js';

/** How to start the Kubernetes API emulator. */
export interface KubeEmulatorOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** How ExternalSecrets read Vault: the remoteRef key, relative to the KV v2 mount `secret`. */
  readSecret: ReadSecret;
  /** true (default): the guide's cluster; false: only the `default` namespace; or your own objects. */
  seed?: boolean | SeedSpec;
  /** How long a new pod takes to become ready (default 1500 ms; tests use a few ms). */
  readinessDelayMs?: number;
  /**
   * Emulator milliseconds per real-world millisecond for the kubelet's and controllers' timings
   * (container shutdown within the grace period, minReadySeconds). Default readinessDelayMs / 1500:
   * real time at the sandbox's default, a hundredth in tests that start pods in 15 ms.
   */
  timeScale?: number;
  /** How soon a failed ExternalSecret sync is retried (default 1000 ms). */
  syncRetryMs?: number;
  /** Where to write the kubeconfig; default a new temp dir, removed on close. */
  kubeconfigPath?: string;
  /** The bearer token; default a random one. */
  token?: string;
}

/** A running emulator and the handles tests and the sandbox use on it. */
export interface KubeEmulator {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  /** TCP connections, TLS handshakes and requests the API server has accepted so far. */
  readonly counts: Readonly<{ connections: number; handshakes: number; requests: number }>;
  /** The PEM certificate the server presents, to trust as the cluster CA. */
  readonly caPem: string;
  /** A kubeconfig (mode 0600) whose context `rotor-sandbox` points here with the token. */
  readonly kubeconfigPath: string;
  readonly context: string;
  readonly token: string;
  /** Makes the next pods of a workload fail, or an ExternalSecret never sync; call the result to stop. */
  injectFailure(failure: InjectedFailure): () => void;
  /** Makes an operation answer 403 Forbidden; call the result to allow it again. */
  forbid(rule: DenyRule): () => void;
  /** Says what answers on a pod's port, for port-forwards (a real server's host:port or a stand-in); call the result to remove it. */
  forwardPort(rule: PortBackendRule): () => void;
  /** What answers on this pod's port, if anything (in-process, for the sandbox's own routing). */
  portBackend(namespace: string, pod: string, port: number): PortBackendRule['backend'] | undefined;
  /** Whether the emulator's user may port-forward to this pod (the deny list of `forbid`). */
  mayPortForward(namespace: string, pod: string): boolean;
  /** A service account's token, as TokenRequest issues it (the account must exist). */
  serviceAccountToken(namespace: string, name: string, audiences?: string[]): Promise<string>;
  /** Appends a line to a pod's log, as its container would write it. */
  appendPodLog(namespace: string, pod: string, line: string): void;
  /** Creates an object through the same validation as the API (namespaces first). */
  create(object: KubeObject): KubeObject;
  /** Reads an object as stored (a copy). */
  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(kind: string, namespace?: string): KubeObject[];
  /** Stops controllers, ends watches, closes the server and removes the kubeconfig it wrote. */
  close(): Promise<void>;
}

/** Starts a strict local Kubernetes API server with Deployment/StatefulSet and External Secrets controllers. */
export async function startKubeEmulator(options: KubeEmulatorOptions): Promise<KubeEmulator> {
  const store = new ObjectStore();
  const timers = new Timers();
  const failures = new Failures();
  const logs = new PodLogs();
  const events = new EventRecorder(store);
  const token = options.token ?? randomBytes(24).toString('base64url');
  const access = new Access(token);
  const seed =
    options.seed === false
      ? { objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }] }
      : options.seed === true || options.seed === undefined
        ? guideSeed()
        : options.seed;
  const readinessDelayMs = options.readinessDelayMs ?? 1500;
  const lifecycle = new PodLifecycle(
    store,
    logs,
    timers,
    failures,
    {
      readinessDelayMs,
      startupLogs: seed.startupLogs ?? {},
    },
    events,
  );
  const timeScale = options.timeScale ?? readinessDelayMs / 1500;
  const termination = new PodTermination(store, timers, events, logs, 1000 * timeScale);
  const workloads = new WorkloadController(store, lifecycle, timers, termination, events, 1000 * timeScale);
  const externalSecrets = new ExternalSecretsController(
    store,
    options.readSecret,
    timers,
    failures,
    options.syncRetryMs ?? 1000,
    events,
  );
  const create = (object: KubeObject) =>
    createObject(store, findKind(object.kind), object.metadata.namespace, structuredClone(object), false);

  for (const object of seed.objects) {
    const created = create(object);
    // A store the controller would mark Ready once it reached Vault.
    if (created.kind === 'ClusterSecretStore') {
      const status = {
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'Valid',
            message: 'store validated',
            lastTransitionTime: created.metadata.creationTimestamp,
          },
        ],
        capabilities: 'ReadWrite',
      };
      commitUpdate(
        store,
        findKind('ClusterSecretStore'),
        created,
        { ...created, status },
        { subresource: 'status', requireVersion: false, dryRun: false },
      );
    }
  }
  workloads.start();
  externalSecrets.start();

  const openWatches = new Set<ServerResponse>();
  const tls = servingCertificate();
  const tokens = new ServiceAccountTokens(store);
  const server = createApiServer(
    {
      store,
      access,
      tokens,
      openWatches,
      readLog: (namespace, pod, opts) => logs.read(store.get('Pod', namespace, pod)!, opts),
      deletePod: (pod, grace) => termination.delete(pod, grace),
    },
    tls,
  );
  const counts = { connections: 0, handshakes: 0, requests: 0 };
  server.on('connection', () => counts.connections++);
  server.on('request', () => counts.requests++);
  // The API server (Go) keeps an idle connection open; Node's default would close it after 5 s,
  // in the middle of a rollout wait. close() ends kept connections itself.
  server.keepAliveTimeout = 90_000;
  server.on('secureConnection', () => counts.handshakes++);
  const backends = new PortBackends();
  const stopForwards = attachPortForward(server, { store, access, backends });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfig = await writeKubeconfig({ url, token, caPem: tls.certPem, path: options.kubeconfigPath });

  return {
    url,
    counts,
    caPem: tls.certPem,
    kubeconfigPath: kubeconfig.path,
    context: SANDBOX_CONTEXT,
    token,
    injectFailure: (failure) => failures.inject(failure),
    forbid: (rule) => access.deny(rule),
    forwardPort: (rule) => backends.add(rule),
    serviceAccountToken: async (namespace, name, audiences) =>
      (await tokens.issue(namespace, name, audiences)).token,
    portBackend: (namespace, pod, port) => {
      const found = store.get('Pod', namespace, pod);
      return found ? backends.find(found, port) : undefined;
    },
    mayPortForward: (namespace, pod) => access.allowed('create', 'pods/portforward', namespace, pod),
    appendPodLog: (namespace, pod, line) => logs.append(namespace, pod, line),
    create,
    get: (kind, namespace, name) => store.get(kind, namespace, name),
    list: (kind, namespace) => store.list(kind, namespace),
    async close() {
      timers.stop();
      workloads.stop();
      externalSecrets.stop();
      for (const res of openWatches) res.end();
      stopForwards();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await kubeconfig.remove();
    },
  };
}
