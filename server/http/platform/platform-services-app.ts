import { Hono } from 'hono';
import type { IdentityService } from '../../identity/identity-service';
import { PLATFORM_SERVICES_BASE } from '../../protocol/platform-services';
import type { DatastoreService } from '../../services/datastore/datastore-service';
import type { ImageService } from '../../services/images/image-service';
import type { InstanceTokens } from '../../services/instance-tokens';
import type { PushService } from '../../services/push/push-service';
import type { MessagingService } from '../../services/messaging/messaging-service';
import type { ServiceContracts } from '../../services/service-contracts';
import type { TaskQueue } from '../../services/tasks/task-queue';
import type { UrlFetcher } from '../../services/urlfetch/url-fetcher';
import type { UrlLinks } from '../../services/urlfetch/url-links';
import { errorToProblem, problemResponse } from '../problem';
import { authenticateInstance, requireService } from './platform-auth';
import type { PlatformEnv } from './platform-env';
import { platformOpenApi } from './platform-openapi';
import { datastoreRoutes } from './routes/datastore-routes';
import { imagesRoutes } from './routes/images-routes';
import { tasksRoutes } from './routes/tasks-routes';
import { pushRoutes } from './routes/push-routes';
import { messagingRoutes } from './routes/messaging-routes';
import { urlFetchRoutes } from './routes/urlfetch-routes';
import { usersRoutes } from './routes/users-routes';

/** What the platform services are built on. */
export interface PlatformServicesDeps {
  tokens: InstanceTokens;
  contracts: ServiceContracts;
  /** The gateway's public key: forwarded identity headers are checked against it. */
  identityPublicKey: string;
  identity: Pick<IdentityService, 'listMembers'>;
  datastore: DatastoreService;
  images: ImageService;
  fetcher: UrlFetcher;
  links: UrlLinks;
  push: Pick<PushService, 'channel' | 'send'>;
  messaging: Pick<MessagingService, 'mail' | 'message'>;
  tasks: Pick<TaskQueue, 'enqueue' | 'deadLetters' | 'retry'>;
  log: (message: string, error?: unknown) => void;
}

/** JSON bodies of service calls: entities and fetch bodies are large, images have their own limit. */
const MAX_JSON_BYTES = 10 * 1024 * 1024;

/**
 * `/_platform/v1`: the services an instance calls with its token, served on the services socket
 * (and on the platform's port for instances that cannot share a socket). Each service answers
 * only tenants whose contract includes it.
 */
export function createPlatformServicesApp(deps: PlatformServicesDeps): Hono<PlatformEnv> {
  const app = new Hono<PlatformEnv>().basePath(PLATFORM_SERVICES_BASE);
  app.get('/openapi.json', (c) => c.json(platformOpenApi()));
  app.use('*', authenticateInstance(deps.tokens, deps.identityPublicKey));
  const gate = (service: Parameters<typeof requireService>[1]) => requireService(deps.contracts, service);
  app.use('/datastore/*', gate('datastore'));
  app.use('/images/*', gate('images'));
  app.use('/users/*', gate('users'));
  app.use('/urlfetch/*', gate('urlfetch'));
  app.use('/tasks/*', gate('tasks'));
  app.use('/push/*', gate('push'));
  app.use('/messaging/*', gate('messaging'));
  app.route('/', datastoreRoutes({ datastore: deps.datastore, maxJsonBytes: MAX_JSON_BYTES }));
  app.route('/', imagesRoutes({ images: deps.images }));
  app.route('/', pushRoutes({ push: deps.push }));
  app.route('/', usersRoutes({ identity: deps.identity, maxJsonBytes: MAX_JSON_BYTES }));
  app.route(
    '/',
    urlFetchRoutes({
      fetcher: deps.fetcher,
      contracts: deps.contracts,
      links: deps.links,
      maxJsonBytes: MAX_JSON_BYTES,
    }),
  );
  app.route('/', messagingRoutes({ messaging: deps.messaging, maxJsonBytes: MAX_JSON_BYTES }));
  app.route('/', tasksRoutes({ tasks: deps.tasks, maxJsonBytes: MAX_JSON_BYTES }));
  app.notFound((c) =>
    problemResponse(
      404,
      `No platform service ${c.req.method} ${new URL(c.req.url).pathname} (see /_platform/v1/openapi.json).`,
    ),
  );
  app.onError((error) => errorToProblem(error, deps.log));
  return app;
}
