import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '../core/errors';
import { appManifestFileName, appNameSchema, parseAppManifest } from '../protocol/app-manifest';
import { templateIdSchema, type TemplateSummary } from '../protocol/templates';

// Build and editor leftovers that must never reach a customer's new project, should a
// template folder ever hold them (running a template locally creates __pycache__, for one).
const ignoredNames = new Set(['__pycache__', '.DS_Store', 'node_modules', '.git']);
const ignoredExtensions = ['.pyc', '.class'];

/** The app templates the new-app wizard offers: one folder with a slipway.json each. */
export class TemplateCatalog {
  private summaries: Promise<readonly TemplateSummary[]> | undefined;

  constructor(private readonly templatesRoot: string) {}

  /** All templates, sorted by id; read once, then served from memory. */
  async list(): Promise<TemplateSummary[]> {
    this.summaries ??= this.readSummaries().catch((error: unknown) => {
      this.summaries = undefined; // let the next call retry instead of caching the failure
      throw error;
    });
    return [...(await this.summaries)];
  }

  /** One template's summary; throws DomainError('not-found') for an unknown id. */
  async get(id: string): Promise<TemplateSummary> {
    const validId = parseTemplateId(id);
    const summary = (await this.list()).find((candidate) => candidate.id === validId);
    if (!summary) throw new DomainError('not-found', `No template "${validId}"`, { templateId: validId });
    return summary;
  }

  /** Copies a template into an empty or new directory and names the copied app `appName`. */
  async copyInto(id: string, targetDir: string, appName: string): Promise<void> {
    const template = await this.get(id);
    const name = appNameSchema.safeParse(appName);
    if (!name.success)
      throw new DomainError('invalid-input', `App name "${appName}" ${name.error.issues[0]?.message ?? 'is invalid'}`);
    const createdTarget = await prepareEmptyDirectory(targetDir);
    try {
      await copyTree(join(this.templatesRoot, template.id), targetDir);
      await renameApp(join(targetDir, appManifestFileName), name.data);
    } catch (error) {
      // Leave nothing half-copied behind; a directory the caller made stays, emptied.
      if (createdTarget) await rm(targetDir, { recursive: true, force: true });
      else await emptyDirectory(targetDir);
      throw error;
    }
  }

  private async readSummaries(): Promise<readonly TemplateSummary[]> {
    const entries = await readdir(this.templatesRoot, { withFileTypes: true });
    const folders = entries.filter((entry) => entry.isDirectory() && templateIdSchema.safeParse(entry.name).success);
    const summaries = await Promise.all(folders.map((folder) => this.readSummary(folder.name)));
    return summaries
      .filter((summary): summary is TemplateSummary => summary !== undefined)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private async readSummary(id: string): Promise<TemplateSummary | undefined> {
    const manifestPath = join(this.templatesRoot, id, appManifestFileName);
    let text: string;
    try {
      text = await readFile(manifestPath, 'utf8');
    } catch (error) {
      if (isMissingFile(error)) return undefined; // a folder without slipway.json is not a template
      throw error;
    }
    try {
      const { title, description, runtime, kind } = parseAppManifest(text);
      return { id, title, description, runtime, kind };
    } catch (error) {
      // A broken template is our bug, not the user's input: fail loudly.
      throw new Error(`Template "${id}" has an invalid ${appManifestFileName}`, { cause: error });
    }
  }
}

function parseTemplateId(id: string): string {
  const result = templateIdSchema.safeParse(id);
  if (!result.success)
    throw new DomainError('invalid-input', `Template id "${id}" ${result.error.issues[0]?.message ?? 'is invalid'}`);
  return result.data;
}

/** Returns true when it created the directory, false when it was already there and empty. */
async function prepareEmptyDirectory(dir: string): Promise<boolean> {
  try {
    const existing = await readdir(dir);
    if (existing.length > 0) throw new DomainError('conflict', 'The target directory is not empty', { targetDir: dir });
    return false;
  } catch (error) {
    if (!isMissingFile(error)) throw error;
  }
  await mkdir(dir, { recursive: true });
  return true;
}

async function emptyDirectory(dir: string): Promise<void> {
  const entries = await readdir(dir);
  await Promise.all(entries.map((entry) => rm(join(dir, entry), { recursive: true, force: true })));
}

/** Copies regular files and folders only: symbolic links could point outside the template. */
async function copyTree(sourceDir: string, targetDir: string): Promise<void> {
  for (const entry of await readdir(sourceDir, { withFileTypes: true })) {
    if (isIgnored(entry.name)) continue;
    const source = join(sourceDir, entry.name);
    const target = join(targetDir, entry.name);
    if (entry.isDirectory()) {
      await mkdir(target);
      await copyTree(source, target);
    } else if (entry.isFile()) {
      await copyFile(source, target);
    }
  }
}

function isIgnored(name: string): boolean {
  return ignoredNames.has(name) || ignoredExtensions.some((extension) => name.endsWith(extension));
}

/** Rewrites only `name`, keeping the template's key order and formatting style. */
async function renameApp(manifestPath: string, appName: string): Promise<void> {
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;
  manifest['name'] = appName;
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  parseAppManifest(text);
  await writeFile(manifestPath, text);
}

function isMissingFile(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}
