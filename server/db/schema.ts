import type { Generated } from 'kysely';

/** Kysely table types. Timestamps are ISO-8601 text and flags are 0/1 so both dialects agree. */
export interface TenantsTable {
  id: string;
  slug: string;
  name: string;
  created_at: string;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string | null;
  is_operator: number;
  invitation_token_hash: string | null;
  created_at: string;
}

export interface MembershipsTable {
  tenant_id: string;
  user_id: string;
  role: string;
  created_at: string;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
}

export interface LoginFailuresTable {
  key: string;
  failures: number;
  window_started_at: string;
}

export interface ProjectsTable {
  id: string;
  tenant_id: string;
  name: string;
  runtime: string;
  template_id: string | null;
  created_by: string;
  created_at: string;
}

export interface PreviewLinksTable {
  token_hash: string;
  project_id: string;
  user_id: string;
  path: string;
  expires_at: string;
}

export interface PreviewSessionsTable {
  id_hash: string;
  project_id: string;
  user_id: string;
  expires_at: string;
}

/** A published app: a stable slug per tenant; `active_version_id` is what the gateway serves. */
export interface AppsTable {
  id: string;
  tenant_id: string;
  slug: string;
  title: string;
  runtime: string;
  project_id: string | null;
  active_version_id: string | null;
  created_by: string;
  created_at: string;
}

/** An immutable version: state building | ready | failed; health unknown | healthy | unhealthy. */
export interface AppVersionsTable {
  id: string;
  app_id: string;
  number: number;
  state: string;
  health: string;
  /** ide | cli | war | import */
  source: string;
  commit_sha: string | null;
  /** sha256 hex of the packaged artifact (content address). */
  artifact_hash: string | null;
  artifact_bytes: number | null;
  /** The validated slipway.json (JSON text) the version was built with. */
  manifest: string;
  build_log: string;
  created_by: string;
  created_at: string;
}

/** One publish attempt and the stage it reached; `running` rows left by a crash are resolved on start. */
export interface PublishOperationsTable {
  id: string;
  app_id: string;
  version_id: string | null;
  stage: string;
  /** running | succeeded | failed */
  state: string;
  error: string | null;
  created_by: string;
  started_at: string;
  finished_at: string | null;
}

/** An instance the farm started; the farm reconciles these rows with its driver on start. */
export interface InstancesTable {
  id: string;
  app_id: string;
  version_id: string;
  driver: string;
  /** The driver's own id for it (a pid, a container id, a deployment name). */
  handle: string | null;
  /** Where the gateway reaches it (JSON of an InstanceEndpoint). */
  endpoint: string | null;
  /** starting | ready | draining | stopped | crashed */
  state: string;
  memory_mb: number;
  restarts: number;
  started_at: string;
  ready_at: string | null;
  stopped_at: string | null;
}

/** Every table of the platform database. */
export interface Database {
  service_contracts: ServiceContractsTable;
  urlfetch_log: UrlFetchLogTable;
  push_messages: PushMessagesTable;
  tasks: TasksTable;
  cron_cursors: CronCursorsTable;
  mail_outbox: MailOutboxTable;
  user_messages: UserMessagesTable;
  tenants: TenantsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_failures: LoginFailuresTable;
  projects: ProjectsTable;
  preview_links: PreviewLinksTable;
  preview_sessions: PreviewSessionsTable;
  apps: AppsTable;
  app_versions: AppVersionsTable;
  publish_operations: PublishOperationsTable;
  instances: InstancesTable;
  app_login_codes: AppLoginCodesTable;
  app_sessions: AppSessionsTable;
  usage_requests: UsageRequestsTable;
  usage_minutes: UsageMinutesTable;
  usage_instance_minutes: UsageInstanceMinutesTable;
  usage_cursors: UsageCursorsTable;
  datastore_entities: DatastoreEntitiesTable;
  datastore_values: DatastoreValuesTable;
  datastore_id_counters: DatastoreIdCountersTable;
}

/** A single-use code the platform issues for the login hop onto an app host (stored as a digest). */
export interface AppLoginCodesTable {
  code_hash: string;
  app_id: string;
  user_id: string;
  expires_at: string;
}

/** A signed-in session on one app host (the gateway's app cookie, stored as a digest). */
export interface AppSessionsTable {
  id_hash: string;
  app_id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
}

/** One request through the gateway, from nginx's access log; `request_id` keeps re-reads idempotent. */
export interface UsageRequestsTable {
  request_id: string;
  app_id: string;
  version_id: string;
  user_id: string | null;
  method: string;
  status: number;
  bytes_in: number | string;
  bytes_out: number | string;
  latency_ms: number;
  upstream: string | null;
  at: string;
  /** The minute bucket (ISO text truncated to the minute). */
  minute: string;
}

/** Requests per app version and minute, recomputed from usage_requests (never added to). */
export interface UsageMinutesTable {
  app_id: string;
  version_id: string;
  minute: string;
  requests: number;
  errors: number;
  bytes_in: number | string;
  bytes_out: number | string;
  latency_ms_sum: number;
  latency_ms_max: number;
}

/** Instance-seconds and memory-seconds per app and minute, recomputed from the instances rows. */
export interface UsageInstanceMinutesTable {
  app_id: string;
  minute: string;
  instance_seconds: number;
  memory_mb_seconds: number;
}

/** Where a log tailer stopped: the file's inode and the byte offset after the last line it stored. */
export interface UsageCursorsTable {
  name: string;
  inode: string;
  offset: number | string;
  updated_at: string;
}

/** A Datastore entity; `key_sort` is the key's order-preserving encoding (kind, then id or name). */
export interface DatastoreEntitiesTable {
  tenant_id: string;
  app_id: string;
  /** preview | production */
  environment: string;
  key_sort: Buffer;
  kind: string;
  /** Increases with every write (int64; PostgreSQL returns it as text). */
  version: number | string;
  /** The properties, JSON text in the wire format. */
  data: string;
}

/** One indexed value of an entity's property (each distinct array element has its own row). */
export interface DatastoreValuesTable {
  tenant_id: string;
  app_id: string;
  environment: string;
  kind: string;
  property: string;
  /** The value's order-preserving encoding: a type rank byte, then the value. */
  sort_value: Buffer;
  key_sort: Buffer;
  /** 1 when the entity has several indexed values for the property. */
  multi: number;
}

/** The next id the Datastore allocates for a kind in a scope. */
export interface DatastoreIdCountersTable {
  tenant_id: string;
  app_id: string;
  environment: string;
  kind: string;
  next_id: number | string;
}

/** A tenant's contract for the platform services (no row: every service, no domain policy). */
export interface ServiceContractsTable {
  tenant_id: string;
  /** JSON array of service names. */
  services: string;
  /** JSON {allow?, deny?} domain patterns for URL fetch. */
  url_policy: string;
  updated_at: string;
}

/** One URL fetch attempt of an app (allowed, refused or failed): the tenant's audit log. */
export interface UrlFetchLogTable {
  id: string;
  at: string;
  tenant_id: string;
  app_id: string;
  environment: string;
  user_id: string | null;
  method: string;
  url: string;
  final_url: string | null;
  status: number | null;
  address: string | null;
  bytes_out: number | string;
  bytes_in: number | string;
  ms: number;
  outcome: string;
  reason: string | null;
}

/** A mail an app sent: kept in the outbox (no SMTP server) or a record of its delivery. */
export interface MailOutboxTable {
  id: string;
  tenant_id: string;
  /** The app's id in production, the project's in preview. */
  app_id: string;
  environment: string;
  /** The user the app sent it for (verified identity), if any. */
  user_id: string | null;
  from_address: string;
  reply_to: string | null;
  /** JSON array of addresses. */
  recipients: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  /** smtp | outbox */
  via: string;
  /** outbox | sending | sent | failed */
  status: string;
  error: string | null;
  /** The Message-ID the mail was sent with. */
  message_id: string | null;
  created_at: string;
  sent_at: string | null;
}

/** An in-platform message from an app (for a user, if any) to a member of the app's tenant. */
export interface UserMessagesTable {
  id: string;
  tenant_id: string;
  app_id: string;
  environment: string;
  recipient_id: string;
  sender_id: string | null;
  subject: string;
  body: string;
  created_at: string;
  read_at: string | null;
}

/** A call of an app's own path the platform makes later (a push-queue task or a cron run). */
export interface TasksTable {
  id: string;
  tenant_id: string;
  /** The app's id in production, the project's in preview. */
  app_id: string;
  environment: string;
  queue: string;
  method: string;
  path: string;
  /** The JSON body, or null when the task has none. */
  payload: string | null;
  /** pending | running | done | dead */
  state: string;
  /** Attempts started so far (a claim counts one). */
  attempts: number;
  max_attempts: number;
  /** When a pending task is due. */
  next_run_at: string;
  /** The dispatcher running the task, and when its claim lapses (then any dispatcher may retry it). */
  lease_owner: string | null;
  lease_expires_at: string | null;
  last_error: string | null;
  /** `cron <path> <minute>` for cron runs (unique per app and environment), else null. */
  dedupe_key: string | null;
  created_at: string;
  /** When it completed or went to the dead letters. */
  finished_at: string | null;
}

/** Where the cron scheduler stopped: the last minute whose runs were enqueued. */
export interface CronCursorsTable {
  name: string;
  last_minute: string;
}

/** A push message kept for a user with no open page, until a page acknowledges it or it expires. */
export interface PushMessagesTable {
  /** The delivery order, assigned by the database (int64; PostgreSQL returns it as text). */
  seq: Generated<number | string>;
  /** What pages see and dedupe by. */
  id: string;
  tenant_id: string;
  app_id: string;
  environment: string;
  user_id: string;
  /** The message, JSON text. */
  body: string;
  sent_at: string;
  expires_at: string;
}
