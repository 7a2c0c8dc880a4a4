import type { WebSocket } from 'ws';
import type { TerminalServerMessage } from '../protocol/terminal';

/** A ws client that collects output (binary) and control messages (JSON). */
export class TerminalSocketClient {
  text = '';
  messages: TerminalServerMessage[] = [];
  closed: Promise<{ code: number; reason: string }>;
  private readonly decoder = new TextDecoder();

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      if (isBinary) this.text += this.decoder.decode(data as Buffer, { stream: true });
      else this.messages.push(JSON.parse((data as Buffer).toString('utf8')) as TerminalServerMessage);
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  async waitFor(predicate: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (!predicate()) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.text.slice(-300))}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
