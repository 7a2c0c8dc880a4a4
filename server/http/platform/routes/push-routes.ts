import { Hono } from 'hono';
import { platformRequests } from '../../../protocol/platform-services';
import type { PushService } from '../../../services/push/push-service';
import { readJson } from '../../request-body';
import type { PlatformEnv } from '../platform-env';

/** Bodies of push calls: a message is at most 64 KiB as JSON (the service checks that exactly). */
const MAX_PUSH_BODY_BYTES = 1024 * 1024;

/** `push/*`: channels for the app's pages and messages to them, in the token's scope. */
export function pushRoutes(deps: { push: Pick<PushService, 'channel' | 'send'> }): Hono<PlatformEnv> {
  const { push } = deps;
  const routes = new Hono<PlatformEnv>();
  routes.post('/push/channel', async (c) => {
    const body = await readJson(c, platformRequests['push/channel'], MAX_PUSH_BODY_BYTES);
    return c.json(await push.channel(c.get('scope'), body));
  });
  routes.post('/push/send', async (c) => {
    const body = await readJson(c, platformRequests['push/send'], MAX_PUSH_BODY_BYTES);
    return c.json(await push.send(c.get('scope'), body));
  });
  return routes;
}
