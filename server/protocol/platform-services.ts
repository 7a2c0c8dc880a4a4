import { z } from 'zod';
import type { appServiceNames } from './app-manifest';
import { tasksRequests, tasksResponses } from './tasks';

/** The base path of the platform services an instance calls (docs/platform-services.md). */
export const PLATFORM_SERVICES_BASE = '/_platform/v1';

/** A platform service, as slipway.json and a tenant's contract name it. */
export type PlatformServiceName = (typeof appServiceNames)[number];

/** Environment variables an instance finds the services by. */
export const SERVICES_ENV = {
  socket: 'SLIPWAY_SERVICES_SOCKET',
  url: 'SLIPWAY_SERVICES_URL',
  token: 'SLIPWAY_SERVICES_TOKEN',
  appId: 'SLIPWAY_APP_ID',
} as const;

/** Where the services socket appears inside every sandbox. */
export const SANDBOX_SERVICES_DIR = '/run/slipway-services';
/** The services socket's file name (inside SANDBOX_SERVICES_DIR, and its host folder). */
export const SERVICES_SOCKET_NAME = 'services.sock';

const keySchema = z
  .object({ kind: z.string(), name: z.string().optional(), id: z.string().optional() })
  .meta({ id: 'Key', description: 'A datastore key: a kind and a name or an int64 id (decimal string).' });

type Value = { [member: string]: unknown };
const valueSchema: z.ZodType<Value> = z
  .object({
    nullValue: z.null().optional(),
    booleanValue: z.boolean().optional(),
    integerValue: z.string().optional(),
    doubleValue: z.number().optional(),
    stringValue: z.string().optional(),
    timestampValue: z.string().optional(),
    bytesValue: z.string().optional(),
    keyValue: keySchema.optional(),
    arrayValue: z.array(z.record(z.string(), z.unknown())).optional(),
  })
  .meta({ id: 'Value', description: 'A tagged value: exactly one member.' });

const entitySchema = z
  .object({ key: keySchema, properties: z.record(z.string(), valueSchema), version: z.string().optional() })
  .meta({ id: 'Entity' });

const querySchema = z
  .object({
    kind: z.string(),
    filters: z
      .array(
        z.object({
          property: z.string(),
          op: z.enum(['=', '!=', '<', '<=', '>', '>=', 'in']),
          value: valueSchema,
        }),
      )
      .optional(),
    orders: z.array(z.object({ property: z.string(), direction: z.enum(['asc', 'desc']) })).optional(),
    limit: z.number().int().optional(),
    cursor: z.string().nullable().optional(),
    keysOnly: z.boolean().optional(),
  })
  .meta({ id: 'Query' });

/** Request bodies of the JSON operations, by `<service>/<operation>`. */
export const platformRequests = {
  'datastore/get': z.object({ keys: z.array(keySchema) }),
  'datastore/put': z.object({ entities: z.array(entitySchema) }),
  'datastore/delete': z.object({ keys: z.array(keySchema) }),
  'datastore/query': z.object({ query: querySchema }),
  'datastore/commit': z.object({
    reads: z.array(z.object({ key: keySchema, version: z.string() })).default([]),
    puts: z.array(entitySchema).default([]),
    deletes: z.array(keySchema).default([]),
  }),
  'users/current': z.object({}),
  'users/list': z.object({ role: z.string().optional() }),
  'push/channel': z
    .object({
      user: z.string().optional().meta({ description: "A user id: the channel of that user's pages" }),
      topic: z.string().optional().meta({ description: 'A topic, [a-z0-9._-]{1,100}: every page subscribed to it' }),
    })
    .meta({ description: 'Exactly one of user and topic' }),
  'push/send': z
    .object({
      user: z.string().optional(),
      topic: z.string().optional(),
      message: z
        .unknown()
        .refine((value) => value !== undefined, 'required: any JSON value')
        .meta({ description: 'Any JSON value, at most 64 KiB as JSON' }),
      ttlSeconds: z
        .number()
        .int()
        .optional()
        .meta({ description: 'How long a message for a user with no open page is kept: 1–604800 s, default 86400' }),
    })
    .meta({ description: 'Exactly one of user and topic' }),
  'urlfetch/fetch': z.object({
    url: z.string(),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    body: z.string().optional().meta({ description: 'base64' }),
    timeoutMs: z.number().int().optional(),
    maxResponseBytes: z.number().int().optional(),
    followRedirects: z.boolean().optional(),
  }),
  'urlfetch/link': z.object({ url: z.string(), ttlSeconds: z.number().int().optional() }),
  'urlfetch/extract': z.object({
    url: z.string(),
    fields: z.record(
      z.string(),
      z.object({ selector: z.string(), attribute: z.string().optional(), all: z.boolean().optional() }),
    ),
  }),
  'messaging/mail': z.object({
    to: z.array(z.string()).meta({ description: '1–50 plain addresses (name@example.com)' }),
    subject: z.string().meta({ description: 'One line, at most 200 characters' }),
    text: z.string().meta({ description: 'At most 1 MiB' }),
    html: z.string().optional().meta({ description: 'At most 1 MiB' }),
  }),
  'messaging/message': z.object({
    user: z.string().meta({ description: "A user id of the app's tenant" }),
    subject: z.string().meta({ description: 'One line, at most 200 characters' }),
    body: z.string().meta({ description: 'At most 64 KiB' }),
  }),
  ...tasksRequests,
} as const;

const userSchema = z
  .object({ id: z.string(), name: z.string(), email: z.string(), roles: z.array(z.string()) })
  .meta({ id: 'User' });

/** Answers of the JSON operations, by `<service>/<operation>`. */
export const platformResponses = {
  'datastore/get': z.object({ found: z.array(entitySchema), missing: z.array(keySchema) }),
  'datastore/put': z.object({ keys: z.array(keySchema), versions: z.array(z.string()) }),
  'datastore/delete': z.object({ deleted: z.number().int() }),
  'datastore/query': z.object({ entities: z.array(entitySchema), cursor: z.string().nullable() }),
  'datastore/commit': z.object({ keys: z.array(keySchema), versions: z.array(z.string()) }),
  'users/current': z.object({ user: userSchema.nullable() }),
  'users/list': z.object({ users: z.array(userSchema) }),
  'push/channel': z.object({
    channel: z.string().meta({ description: 'user:<id> or topic:<name>' }),
    token: z.string().meta({ description: "The page's credential for the push socket (valid 24 h)" }),
    clientScript: z.string().meta({ description: 'The absolute URL of the client script' }),
  }),
  'push/send': z.object({
    delivered: z.number().int().meta({ description: 'Open pages the message was written to' }),
    queued: z.number().int().meta({ description: 'Messages kept for a user with no open page (0 for topics)' }),
  }),
  'urlfetch/fetch': z.object({
    status: z.number().int(),
    headers: z.record(z.string(), z.string()),
    body: z.string().meta({ description: 'base64' }),
    finalUrl: z.string(),
    redirects: z.array(z.string()),
  }),
  'urlfetch/link': z.object({ url: z.string() }),
  'urlfetch/extract': z.object({
    status: z.number().int(),
    finalUrl: z.string(),
    fields: z.record(z.string(), z.union([z.string(), z.array(z.string()), z.null()])),
  }),
  'messaging/mail': z.object({ id: z.string(), via: z.enum(['smtp', 'outbox']) }),
  'messaging/message': z.object({ id: z.string() }),
  ...tasksResponses,
} as const;

/** A JSON operation's name, `<service>/<operation>`. */
export type PlatformOperation = keyof typeof platformRequests;

/** A tenant's contract for the platform services, as operators set it and members read it. */
export const serviceContractSchema = z.strictObject({
  services: z.array(z.string()).max(20),
  urlPolicy: z.strictObject({ allow: z.array(z.string()).optional(), deny: z.array(z.string()).optional() }).optional(),
});

/** A tenant's contract. */
export interface ServiceContractDto {
  services: PlatformServiceName[];
  urlPolicy: { allow?: string[]; deny?: string[] };
}

/** One URL fetch attempt of a tenant's app, for its audit view. */
export interface UrlFetchLogEntryDto {
  id: string;
  at: string;
  appId: string;
  /** The published app's title, or the name of the project a preview runs. */
  appName?: string;
  environment: 'preview' | 'production';
  userId?: string;
  userName?: string;
  method: string;
  url: string;
  finalUrl?: string;
  status?: number;
  bytesIn: number;
  bytesOut: number;
  ms: number;
  outcome: 'ok' | 'refused' | 'failed';
  reason?: string;
}
