import { Hono } from 'hono';
import { platformRequests } from '../../../protocol/platform-services';
import type { DatastoreService } from '../../../services/datastore/datastore-service';
import type {
  DatastoreCommitRequest,
  DatastoreEntity,
  DatastoreKey,
  DatastoreQuery,
} from '../../../services/datastore/datastore-types';
import { readJson } from '../../request-body';
import type { PlatformEnv } from '../platform-env';

/** `datastore/*`: the wire JSON goes to the service, which checks every value itself. */
export function datastoreRoutes(deps: { datastore: DatastoreService; maxJsonBytes: number }): Hono<PlatformEnv> {
  const { datastore, maxJsonBytes } = deps;
  const routes = new Hono<PlatformEnv>();
  routes.post('/datastore/get', async (c) => {
    const body = await readJson(c, platformRequests['datastore/get'], maxJsonBytes);
    return c.json(await datastore.get(c.get('scope'), body.keys as DatastoreKey[]));
  });
  routes.post('/datastore/put', async (c) => {
    const body = await readJson(c, platformRequests['datastore/put'], maxJsonBytes);
    return c.json(await datastore.put(c.get('scope'), body.entities as DatastoreEntity[]));
  });
  routes.post('/datastore/delete', async (c) => {
    const body = await readJson(c, platformRequests['datastore/delete'], maxJsonBytes);
    return c.json(await datastore.delete(c.get('scope'), body.keys as DatastoreKey[]));
  });
  routes.post('/datastore/query', async (c) => {
    const body = await readJson(c, platformRequests['datastore/query'], maxJsonBytes);
    return c.json(await datastore.query(c.get('scope'), body.query as DatastoreQuery));
  });
  routes.post('/datastore/commit', async (c) => {
    const body = await readJson(c, platformRequests['datastore/commit'], maxJsonBytes);
    return c.json(await datastore.commit(c.get('scope'), body as DatastoreCommitRequest));
  });
  return routes;
}
