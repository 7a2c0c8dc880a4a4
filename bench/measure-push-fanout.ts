import path from 'node:path';
import { WebSocket } from 'ws';
import { PLATFORM_SERVICES_BASE } from '../server/protocol/platform-services';
import { PUSH_SOCKET_PATH, type PushMessageFrame } from '../server/protocol/push';
// The bench plays the app's instance: it signs its services token with the platform's key, as
// the farm does when it starts an instance (the bench's platform runs on this machine).
import { InstanceTokens } from '../server/services/instance-tokens';
import type { ApiSession } from './api-session';
import type { BenchOutcome } from './figure';
import type { BenchPlatform } from './platform';
import { max, median, percentile } from './stats';
import { formatMs } from './units';

/** How large a fan-out to measure. */
export interface PushFanoutOptions {
  /** WebSocket clients on the topic (default 1,000). */
  clients?: number;
  /** Measured sends (default 50), after 3 unmeasured ones. */
  messages?: number;
  /** Clients connecting at once while the fan-out is set up. */
  connectBatch?: number;
}

const WARM_UP = 3;
const TOPIC = 'bench-fanout';
const RECEIVE_TIMEOUT_MS = 30_000;

/** One client per socket; `arrivals` fire when every client has received the current message. */
class FanoutClients {
  private readonly sockets: WebSocket[] = [];
  private waiting: { left: number; done: (at: number) => void; timer: NodeJS.Timeout } | undefined;
  /** The first client's frames, to check what arrived. */
  readonly sample: PushMessageFrame[] = [];

  async open(url: string, count: number, batch: number): Promise<void> {
    for (let started = 0; started < count; started += batch) {
      await Promise.all(
        Array.from({ length: Math.min(batch, count - started) }, () => this.openOne(url, this.sockets.length === 0)),
      );
    }
  }

  /** Resolves with the time the last client received the next message. */
  nextArrival(): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const left = this.waiting?.left ?? 0;
        this.waiting = undefined;
        reject(new Error(`${left} of ${this.sockets.length} push clients did not receive a message within 30 s`));
      }, RECEIVE_TIMEOUT_MS);
      this.waiting = {
        left: this.sockets.length,
        done: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
        timer,
      };
    });
  }

  async close(): Promise<void> {
    clearTimeout(this.waiting?.timer);
    this.waiting = undefined;
    await Promise.all(
      this.sockets.map(
        (socket) =>
          new Promise<void>((resolve) => {
            if (socket.readyState === WebSocket.CLOSED) return resolve();
            socket.once('close', () => resolve());
            socket.close();
          }),
      ),
    );
  }

  private async openOne(url: string, sampled: boolean): Promise<void> {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    this.sockets.push(socket);
    socket.on('message', (data: Buffer) => {
      // Counting is all a client does per message: parsing 1,000 copies would load the same cores.
      if (sampled) this.sample.push(JSON.parse(data.toString('utf8')) as PushMessageFrame);
      const waiting = this.waiting;
      if (waiting && --waiting.left === 0) {
        this.waiting = undefined;
        waiting.done(performance.now());
      }
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.on('error', () => undefined);
  }
}

/**
 * Push fan-out: {@link PushFanoutOptions.clients} WebSocket clients (default 1,000) hold the
 * push socket of one topic of one app; the bench, as that app's instance, sends messages through
 * `POST /_platform/v1/push/send` on the platform's port one at a time. Each sample runs from just
 * before the send's request to the moment the last client received the message; the next send
 * starts after that. Clients and sender share the bench process (and the machine's cores with
 * the platform).
 */
export async function measurePushFanout(
  platform: Pick<BenchPlatform, 'baseUrl' | 'dataDir'>,
  session: Pick<ApiSession, 'tenantId'>,
  options: PushFanoutOptions = {},
): Promise<BenchOutcome> {
  const clientCount = options.clients ?? 1000;
  const messageCount = options.messages ?? 50;
  const appId = `bench-push-${Date.now().toString(36)}`;
  const servicesToken = await new InstanceTokens(path.join(platform.dataDir, 'services', 'tokens.key')).issue({
    scope: { tenantId: session.tenantId, appId, environment: 'production' },
    instanceId: `${appId}-instance`,
  });
  const call = async (operation: string, body: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${platform.baseUrl}${PLATFORM_SERVICES_BASE}/${operation}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${servicesToken}` },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${operation}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  };

  const { token } = (await call('push/channel', { topic: TOPIC })) as { token: string };
  const socketUrl = new URL(PUSH_SOCKET_PATH, platform.baseUrl);
  socketUrl.protocol = socketUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  socketUrl.searchParams.set('token', token);
  const clients = new FanoutClients();
  const connectStarted = performance.now();
  try {
    await clients.open(socketUrl.href, clientCount, options.connectBatch ?? 100);
    const connectMs = performance.now() - connectStarted;

    const latencies: number[] = [];
    const answers: number[] = [];
    for (let seq = -WARM_UP; seq < messageCount; seq++) {
      const arrival = clients.nextArrival();
      // Awaited below; if the send fails first, close() stops its clock.
      arrival.catch(() => undefined);
      const started = performance.now();
      const sent = await call('push/send', { topic: TOPIC, message: { seq, text: 'order 17 approved' } });
      const answered = performance.now();
      if (sent.delivered !== clientCount)
        throw new Error(`push/send reached ${String(sent.delivered)} of ${clientCount} clients`);
      const last = await arrival;
      if (seq < 0) continue;
      latencies.push(last - started);
      answers.push(answered - started);
    }
    const received = clients.sample.filter((frame) => (frame.message as { seq: number }).seq >= 0);
    if (received.length !== messageCount) throw new Error(`the sampled client saw ${received.length} messages`);

    const p50 = median(latencies);
    const p95 = percentile(latencies, 95);
    return {
      figures: [
        {
          name: `Push fan-out: send → last of ${clientCount.toLocaleString('en')} WebSocket clients of one topic, p50 / p95 of ${messageCount}`,
          measured: `${formatMs(p50)} / ${formatMs(p95)} (max ${formatMs(max(latencies))})`,
          target: '—',
          reference: '—',
          verdict: 'no target',
        },
      ],
      notes: [
        `Push fan-out: ${clientCount} ws clients in the bench process opened the topic's socket ` +
          `(${options.connectBatch ?? 100} at a time; all open after ${(connectMs / 1000).toFixed(1)} s); ` +
          `${WARM_UP} unmeasured sends, then ${messageCount} sends of a ~60-byte JSON message, one at a time, ` +
          `through POST ${PLATFORM_SERVICES_BASE}/push/send on the platform's port. Each sample runs from before ` +
          `the request to the last client's receipt. The send's own answer took ${formatMs(median(answers))} ` +
          `(median); every send reported delivered = ${clientCount}.`,
      ],
    };
  } finally {
    await clients.close();
  }
}
