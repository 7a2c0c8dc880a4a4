import { Hono } from 'hono';
import { platformRequests } from '../../../protocol/platform-services';
import type { ServiceContracts } from '../../../services/service-contracts';
import { extractFromHtml } from '../../../services/urlfetch/html-extract';
import type { UrlFetcher } from '../../../services/urlfetch/url-fetcher';
import type { UrlLinks } from '../../../services/urlfetch/url-links';
import { readJson } from '../../request-body';
import type { PlatformEnv } from '../platform-env';

/** `urlfetch/*`: the only way out of a sealed instance, under the tenant's domain policy. */
export function urlFetchRoutes(deps: {
  fetcher: UrlFetcher;
  contracts: Pick<ServiceContracts, 'contractOf'>;
  links: Pick<UrlLinks, 'create'>;
  maxJsonBytes: number;
}): Hono<PlatformEnv> {
  const { fetcher, contracts, maxJsonBytes } = deps;
  const routes = new Hono<PlatformEnv>();
  routes.post('/urlfetch/fetch', async (c) => {
    const { body, ...request } = await readJson(c, platformRequests['urlfetch/fetch'], maxJsonBytes);
    const scope = c.get('scope');
    const policy = (await contracts.contractOf(scope.tenantId)).urlPolicy;
    const answer = await fetcher.fetch(
      scope,
      { ...request, ...(body !== undefined ? { body: Buffer.from(body, 'base64') } : {}) },
      policy,
    );
    return c.json({ ...answer, body: answer.body.toString('base64') });
  });
  routes.post('/urlfetch/link', async (c) => {
    const body = await readJson(c, platformRequests['urlfetch/link'], maxJsonBytes);
    return c.json(await deps.links.create(c.get('scope'), body));
  });
  routes.post('/urlfetch/extract', async (c) => {
    const { url, fields } = await readJson(c, platformRequests['urlfetch/extract'], maxJsonBytes);
    const scope = c.get('scope');
    const policy = (await contracts.contractOf(scope.tenantId)).urlPolicy;
    const page = await fetcher.fetch(scope, { url }, policy);
    return c.json({
      status: page.status,
      finalUrl: page.finalUrl,
      fields: extractFromHtml(page.body.toString('utf8'), fields),
    });
  });
  return routes;
}
