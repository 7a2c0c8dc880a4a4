import { describe, expect, it } from 'vitest';
import { AppLogs } from './app-logs';

const line = (text: string) => ({ instanceId: 'i1', version: 1, stream: 'stdout' as const, text });

describe('AppLogs', () => {
  it('keeps the newest lines per app within its capacity', async () => {
    const logs = new AppLogs(2);
    for (const text of ['a', 'b', 'c']) logs.append('app1', line(text));
    logs.append('app2', line('other'));
    const read: string[] = [];
    for await (const entry of logs.read('app1', { follow: false, signal: new AbortController().signal })) {
      read.push(entry.text);
    }
    expect(read).toEqual(['b', 'c']);
  });

  it('follows new lines of the app until the signal aborts', async () => {
    const logs = new AppLogs();
    logs.append('app1', line('before'));
    const controller = new AbortController();
    const read: string[] = [];
    const reading = (async () => {
      for await (const entry of logs.read('app1', { follow: true, signal: controller.signal })) {
        read.push(entry.text);
        if (entry.text === 'after') controller.abort();
      }
    })();
    logs.append('app2', line('not mine'));
    logs.append('app1', line('after'));
    await reading;
    expect(read).toEqual(['before', 'after']);
  });
});
