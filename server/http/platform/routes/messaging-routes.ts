import { Hono } from 'hono';
import { platformRequests } from '../../../protocol/platform-services';
import type { MessagingService } from '../../../services/messaging/messaging-service';
import { readJson } from '../../request-body';
import type { PlatformEnv } from '../platform-env';

/**
 * `messaging/*`: mail to the world (or the built-in outbox) and in-platform messages to the
 * members of the app's tenant, sent for the acting user when the call carries one.
 */
export function messagingRoutes(deps: {
  messaging: Pick<MessagingService, 'mail' | 'message'>;
  maxJsonBytes: number;
}): Hono<PlatformEnv> {
  const routes = new Hono<PlatformEnv>();
  routes.post('/messaging/mail', async (c) => {
    const body = await readJson(c, platformRequests['messaging/mail'], deps.maxJsonBytes);
    return c.json(await deps.messaging.mail(c.get('scope'), body));
  });
  routes.post('/messaging/message', async (c) => {
    const body = await readJson(c, platformRequests['messaging/message'], deps.maxJsonBytes);
    return c.json(await deps.messaging.message(c.get('scope'), body));
  });
  return routes;
}
