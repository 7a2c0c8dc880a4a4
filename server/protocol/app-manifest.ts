import { z } from 'zod';
import { DomainError } from '../core/errors';

/** The file name of an app's manifest, at the root of the app folder. */
export const appManifestFileName = 'slipway.json';

/** Language runtimes an app can run on. */
export const appRuntimes = ['java', 'python'] as const;
/** How an app is served: a servlet web app, a WSGI callable, or CGI scripts. */
export const appKinds = ['servlet', 'wsgi', 'cgi'] as const;
/** The language runtime an app runs on. */
export type AppRuntime = (typeof appRuntimes)[number];
/** How an app is served. */
export type AppKind = (typeof appKinds)[number];

/** Platform services an app can declare; the SDK offers the same set in Java and Python. */
export const appServiceNames = ['datastore', 'images', 'push', 'users', 'messaging', 'tasks', 'urlfetch'] as const;

// Same rule as project names (protocol/projects.ts): an app is usually named after its project,
// and the name ends up in host names, so it must be a short DNS label.
const appNamePattern = /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/;
const envNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
// The platform injects SLIPWAY_* variables (SLIPWAY_APP_DATA_DIR, …); an app may not shadow them.
const reservedEnvPrefix = 'SLIPWAY_';
const wsgiEntryPattern = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*$/;
const roleNamePattern = /^[a-z][a-z0-9-]{0,39}$/;

const javaWebappDir = 'src/main/webapp';
const cgiDir = 'cgi-bin/';

/** An app's name in slipway.json: lowercase letters, digits and dashes, 2–40 long. */
export const appNameSchema = z
  .string()
  .regex(appNamePattern, 'must be kebab-case: lowercase letters, digits and dashes, 2–40 long, starting with a letter');

const envSchema = z.record(
  z
    .string()
    .regex(envNamePattern, 'must be a valid environment variable name')
    .refine((name) => !name.startsWith(reservedEnvPrefix), `names starting with ${reservedEnvPrefix} are reserved`),
  z.string().max(4096),
);

const scalingSchema = z
  .strictObject({
    min: z.int().min(0).max(20).default(0),
    max: z.int().min(1).max(20).default(1),
    idleSeconds: z.int().min(0).max(86_400).default(300),
  })
  .refine((scaling) => scaling.min <= scaling.max, { message: 'must not exceed max', path: ['min'] });

const cronJobSchema = z.strictObject({
  path: z
    .string()
    .max(200)
    .regex(/^\/\S*$/, 'must be a path starting with /'),
  schedule: z.string().refine(isCronSchedule, 'must be a five-field cron expression, e.g. "0 7 * * MON-FRI"'),
});

const accessSchema = z.union(
  [
    z.enum(['public', 'tenant']),
    z
      .array(z.string().regex(roleNamePattern, 'role names are lowercase letters, digits and dashes'))
      .min(1, 'list at least one role, or use "tenant"'),
  ],
  { error: 'must be "public", "tenant" or a list of role names' },
);

const manifestFieldsSchema = z.strictObject({
  name: appNameSchema,
  // Only a template needs a title and description (the wizard shows them); an imported app may omit them.
  title: z.string().trim().min(1).max(80).optional(),
  description: z.string().trim().max(300).default(''),
  runtime: z.enum(appRuntimes),
  kind: z.enum(appKinds),
  entry: z.string().optional(),
  env: envSchema.default({}),
  scaling: scalingSchema.prefault({}),
  memory: z.int().min(64).max(4096).default(256),
  services: z
    .array(z.enum(appServiceNames))
    .refine((services) => new Set(services).size === services.length, 'must not list a service twice')
    .default([]),
  cron: z.array(cronJobSchema).max(20).default([]),
  access: accessSchema.default('tenant'),
  // Composite datastore indexes; the datastore service checks them in detail (datastore-indexes.ts).
  datastore: z
    .strictObject({
      indexes: z
        .array(
          z.strictObject({
            kind: z.string().min(1).max(100),
            properties: z
              .array(
                z.strictObject({ name: z.string().min(1).max(500), direction: z.enum(['asc', 'desc']).optional() }),
              )
              .min(1)
              .max(20),
          }),
        )
        .max(200)
        .default([]),
    })
    .optional(),
  // Servlet sessions live inside one instance: Java apps default to sticky routing.
  affinity: z.boolean().optional(),
});

/** Schema of slipway.json; the parsed value always has `entry`, `affinity` and every default filled in. */
export const appManifestSchema = manifestFieldsSchema
  .superRefine((manifest, context) => {
    const problem = entryProblem(manifest.runtime, manifest.kind, manifest.entry);
    if (problem) context.addIssue({ code: 'custom', message: problem.message, path: [problem.field] });
  })
  .transform((manifest) => ({
    ...manifest,
    title: manifest.title ?? manifest.name,
    entry: manifest.entry ?? defaultEntry(manifest.kind),
    affinity: manifest.affinity ?? manifest.runtime === 'java',
  }));

/** A validated slipway.json with defaults applied. */
export type AppManifest = z.output<typeof appManifestSchema>;
/** slipway.json as a developer may write it (optional fields may be missing). */
export type AppManifestInput = z.input<typeof appManifestSchema>;

/** Parses the text of slipway.json; throws DomainError('invalid-input') naming the bad field. */
export function parseAppManifest(text: string): AppManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DomainError('invalid-input', `${appManifestFileName} is not valid JSON: ${reason}`);
  }
  const result = appManifestSchema.safeParse(json);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ field: fieldPath(issue.path), message: issueMessage(issue) }));
  const summary = issues.map(({ field, message }) => (field ? `${field}: ${message}` : message)).join('; ');
  throw new DomainError('invalid-input', `${appManifestFileName}: ${summary}`, { issues });
}

function entryProblem(
  runtime: AppRuntime,
  kind: AppKind,
  entry: string | undefined,
): { field: string; message: string } | undefined {
  if (runtime === 'java' && kind !== 'servlet')
    return { field: 'kind', message: 'a java app must be of kind "servlet"' };
  if (runtime === 'python' && kind === 'servlet')
    return { field: 'kind', message: 'a python app must be of kind "wsgi" or "cgi"' };
  if (kind === 'wsgi' && (entry === undefined || !wsgiEntryPattern.test(entry))) {
    return { field: 'entry', message: 'a wsgi app needs an entry "module:callable", e.g. "app:app"' };
  }
  if (kind === 'servlet' && entry !== undefined && entry !== javaWebappDir) {
    return { field: 'entry', message: `a servlet app's entry is "${javaWebappDir}" (or omit it)` };
  }
  if (kind === 'cgi' && entry !== undefined && entry !== cgiDir) {
    return { field: 'entry', message: `a cgi app's entry is "${cgiDir}" (or omit it)` };
  }
  return undefined;
}

function defaultEntry(kind: AppKind): string {
  return kind === 'cgi' ? cgiDir : javaWebappDir;
}

/** zod reports a bad record key as "Invalid key in record"; the key's own problem says more. */
function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_key' && issue.issues.length > 0)
    return issue.issues.map((inner) => inner.message).join(', ');
  return issue.message;
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      return index === 0 ? String(segment) : `.${String(segment)}`;
    })
    .join('');
}

const cronFieldRanges: readonly (readonly [number, number])[] = [
  [0, 59], // minute
  [0, 23], // hour
  [1, 31], // day of month
  [1, 12], // month
  [0, 7], // day of week (0 and 7 are Sunday)
];
const cronNames: readonly (Readonly<Record<string, number>> | undefined)[] = [
  undefined,
  undefined,
  undefined,
  { JAN: 1, FEB: 2, MAR: 3, APR: 4, MAY: 5, JUN: 6, JUL: 7, AUG: 8, SEP: 9, OCT: 10, NOV: 11, DEC: 12 },
  { SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6 },
];

/** Five standard cron fields; each a comma list of `*`, values or ranges, each with an optional `/step`. */
function isCronSchedule(schedule: string): boolean {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== cronFieldRanges.length) return false;
  return fields.every((field, index) => isCronField(field, cronFieldRanges[index]!, cronNames[index]));
}

function isCronField(
  field: string,
  [low, high]: readonly [number, number],
  names?: Readonly<Record<string, number>>,
): boolean {
  const value = (text: string): number | undefined => {
    const number = /^\d+$/.test(text) ? Number(text) : names?.[text.toUpperCase()];
    return number !== undefined && number >= low && number <= high ? number : undefined;
  };
  return field.split(',').every((part) => {
    const [range = '', step, extra] = part.split('/');
    if (extra !== undefined || (step !== undefined && !/^[1-9]\d*$/.test(step))) return false;
    if (range === '*') return true;
    const [from = '', to, beyond] = range.split('-');
    if (beyond !== undefined) return false;
    const start = value(from);
    if (to === undefined) return start !== undefined;
    const end = value(to);
    return start !== undefined && end !== undefined && start <= end;
  });
}
