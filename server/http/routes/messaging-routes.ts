import { Hono } from 'hono';
import { inboxQuerySchema, messagingPageQuerySchema } from '../../protocol/messaging';
import type { MessagingService } from '../../services/messaging/messaging-service';
import type { ApiEnv } from '../api-env';
import { parseWith } from '../request-body';

/** What the messaging routes need. */
export interface MessagingRouteDeps {
  messaging: Pick<MessagingService, 'projectOutbox' | 'projectMail' | 'inbox' | 'markRead'>;
}

/** A project's outbox (the mail its previews and its app sent) and the signed-in user's messages. */
export function messagingRoutes(deps: MessagingRouteDeps): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();
  const { messaging } = deps;
  const page = (query: Record<string, string>) => parseWith(messagingPageQuerySchema, query);

  routes.get('/projects/:projectId/outbox', async (c) =>
    c.json(await messaging.projectOutbox(c.get('principal'), c.req.param('projectId'), page(c.req.query()))),
  );

  routes.get('/projects/:projectId/outbox/:mailId', async (c) =>
    c.json(await messaging.projectMail(c.get('principal'), c.req.param('projectId'), c.req.param('mailId'))),
  );

  routes.get('/messages', async (c) =>
    c.json(await messaging.inbox(c.get('principal'), parseWith(inboxQuerySchema, c.req.query()))),
  );

  routes.post('/messages/:messageId/read', async (c) => {
    await messaging.markRead(c.get('principal'), c.req.param('messageId'));
    return c.body(null, 204);
  });

  return routes;
}
