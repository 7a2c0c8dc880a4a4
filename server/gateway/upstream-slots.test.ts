import { mkdtemp, readdir, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testRoute } from './gateway-test-support';
import { UpstreamSlots } from './upstream-slots';

describe('UpstreamSlots', () => {
  it('names slots for Unix upstreams, leads an app at zero to the activator, and leaves TCP routes alone', () => {
    const slots = new UpstreamSlots('/s', '/run/control.sock');
    const plan = slots.plan([
      testRoute({
        appId: 'a',
        host: 'a.t.apps.localhost',
        upstreams: [
          { kind: 'unix', path: '/i/1.sock' },
          { kind: 'unix', path: '/i/2.sock' },
        ],
      }),
      testRoute({ appId: 'z', host: 'z.t.apps.localhost', upstreams: [] }),
      testRoute({ appId: 'k', host: 'k.t.apps.localhost', upstreams: [{ kind: 'tcp', host: 'k.svc', port: 8080 }] }),
    ]);
    expect(plan.routes.map((route) => route.upstreams)).toEqual([
      [
        { kind: 'unix', path: '/s/a/0.sock' },
        { kind: 'unix', path: '/s/a/1.sock' },
      ],
      [{ kind: 'unix', path: '/s/z/0.sock' }],
      [{ kind: 'tcp', host: 'k.svc', port: 8080 }],
    ]);
    expect(plan.links).toEqual([
      { slot: '/s/a/0.sock', target: '/i/1.sock' },
      { slot: '/s/a/1.sock', target: '/i/2.sock' },
      { slot: '/s/z/0.sock', target: '/run/control.sock' },
    ]);
  });

  it('swaps links in place, remembers where they led, and prunes what the table no longer names', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'slw-slots-'));
    const slots = new UpstreamSlots(dir, '/run/control.sock');
    const first = slots.plan([
      testRoute({ appId: 'a', host: 'a.t.apps.localhost', upstreams: [{ kind: 'unix', path: '/i/1.sock' }] }),
    ]);
    await slots.point(first.links);
    const second = slots.plan([
      testRoute({ appId: 'a', host: 'a.t.apps.localhost', upstreams: [{ kind: 'unix', path: '/i/2.sock' }] }),
    ]);
    expect(slots.snapshot(second.links)).toEqual([{ slot: path.join(dir, 'a', '0.sock'), target: '/i/1.sock' }]);
    await slots.point(second.links);
    expect(await readlink(path.join(dir, 'a', '0.sock'))).toBe('/i/2.sock');
    expect(await readdir(path.join(dir, 'a'))).toEqual(['0.sock']); // no temporary links left
    await slots.prune([]);
    expect(await readdir(dir)).toEqual([]);
  });
});
