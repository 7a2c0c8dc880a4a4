/**
 * Test-only: a fake Kubernetes API server on loopback. It answers API discovery, keeps applied
 * objects in memory (get, list by label, server-side apply, delete) and records every call the
 * client makes, so tests see the wire format @kubernetes/client-node really sends. It is not a
 * cluster: nothing schedules pods or enforces policies (docs/kubernetes.md).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';

/** One request the client made. */
export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  body: unknown;
}

const RESOURCES: Record<string, { kind: string; name: string }[]> = {
  '/api/v1': [{ kind: 'Service', name: 'services' }],
  '/apis/apps/v1': [{ kind: 'Deployment', name: 'deployments' }],
  '/apis/networking.k8s.io/v1': [{ kind: 'NetworkPolicy', name: 'networkpolicies' }],
};

/** An in-memory API server; `kubeConfig` points a client at it. */
export class FakeKubernetesApi {
  readonly calls: RecordedCall[] = [];
  /** Stored objects by their URL path (…/namespaces/NS/RESOURCE/NAME). */
  readonly objects = new Map<string, Record<string, unknown>>();
  private readonly server: Server;
  private port = 0;

  constructor() {
    this.server = createServer((request, response) => void this.handle(request, response));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  get kubeConfig(): KubeConfig {
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'fake', server: `http://127.0.0.1:${this.port}`, skipTLSVerify: true }],
      users: [{ name: 'tester', token: 'test-token' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'tester', namespace: 'default' }],
      currentContext: 'fake',
    });
    return config;
  }

  /** Calls other than API discovery. */
  get objectCalls(): RecordedCall[] {
    return this.calls.filter((call) => !Object.hasOwn(RESOURCES, call.path));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake');
    const text = await readBody(request);
    const call: RecordedCall = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: request.headers['content-type'],
      body: text ? (JSON.parse(text) as unknown) : undefined,
    };
    this.calls.push(call);
    const discovery = RESOURCES[url.pathname];
    if (discovery) return send(response, 200, resourceList(url.pathname, discovery));
    const stored = this.objects.get(url.pathname);
    switch (call.method) {
      case 'PATCH':
        this.objects.set(url.pathname, call.body as Record<string, unknown>);
        return send(response, 200, call.body);
      case 'DELETE':
        if (!stored) return notFound(response);
        this.objects.delete(url.pathname);
        return send(response, 200, { kind: 'Status', apiVersion: 'v1', status: 'Success' });
      case 'GET':
        if (stored) return send(response, 200, stored);
        if (this.isCollection(url.pathname)) return send(response, 200, this.list(url));
        return notFound(response);
      default:
        return send(response, 405, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 405 });
    }
  }

  private isCollection(path: string): boolean {
    return Object.values(RESOURCES).some((kinds) => kinds.some((kind) => path.endsWith(`/${kind.name}`)));
  }

  private list(url: URL): Record<string, unknown> {
    const [key, value] = (url.searchParams.get('labelSelector') ?? '=').split('=');
    const items = [...this.objects.entries()]
      .filter(([path]) => path.startsWith(`${url.pathname}/`))
      .map(([, object]) => object)
      .filter((object) => {
        const labels = (object.metadata as { labels?: Record<string, string> } | undefined)?.labels ?? {};
        return !key || labels[key] === value;
      });
    return { apiVersion: 'v1', kind: 'List', metadata: {}, items };
  }
}

function resourceList(groupVersion: string, kinds: { kind: string; name: string }[]): unknown {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion.replace(/^\/apis?\//, ''),
    resources: kinds.map((kind) => ({
      name: kind.name,
      singularName: kind.kind.toLowerCase(),
      namespaced: true,
      kind: kind.kind,
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    })),
  };
}

function notFound(response: ServerResponse): void {
  send(response, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
