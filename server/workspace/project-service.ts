import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { conflict, invalidInput, notFound } from '../core/errors';
import type { Database, ProjectsTable } from '../db/schema';
import type { IdentityService } from '../identity/identity-service';
import type { Principal } from '../identity/principal';
import { newId, nowIso } from '../identity/tokens';
import { parseAppManifest } from '../protocol/app-manifest';
import type { TenantRole } from '../protocol/identity';
import type { ProjectDto } from '../protocol/projects';
import { ProjectGit } from './git-service';
import type { TemplateCatalog } from './template-catalog';

/** Roles that may open and change a tenant's projects. */
export const PROJECT_ROLES: readonly TenantRole[] = ['developer', 'manager'];

/** An opened project: its record and its folder on disk. */
export interface ProjectHandle {
  project: ProjectDto;
  dir: string;
}

const STAGING_PREFIX = '.staging-';

/** Projects of tenants: records in the database, git repositories under `projectsDir`. */
export class ProjectService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly identity: IdentityService,
    private readonly templates: TemplateCatalog,
    private readonly projectsDir: string,
    private readonly cloneOptions: { allowPrivateHosts: boolean } = { allowPrivateHosts: false },
  ) {}

  /** Removes staging folders and folders without a record, left by a crash mid-create. */
  async recover(): Promise<void> {
    await mkdir(this.projectsDir, { recursive: true });
    const known = new Set((await this.db.selectFrom('projects').select('id').execute()).map((row) => row.id));
    for (const entry of await readdir(this.projectsDir)) {
      if (entry.startsWith(STAGING_PREFIX) || !known.has(entry)) {
        await rm(path.join(this.projectsDir, entry), { recursive: true, force: true });
      }
    }
  }

  async list(principal: Principal, tenantId: string): Promise<ProjectDto[]> {
    await this.identity.requireRole(principal, tenantId, PROJECT_ROLES);
    const rows = await this.db
      .selectFrom('projects')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('name')
      .execute();
    return rows.map(toProjectDto);
  }

  /** Creates a project from a template, with an initial commit by the creator. */
  async create(
    principal: Principal,
    tenantId: string,
    input: { name: string; templateId: string },
  ): Promise<ProjectDto> {
    await this.identity.requireRole(principal, tenantId, PROJECT_ROLES);
    const template = await this.templates.get(input.templateId);
    await this.assertNameFree(tenantId, input.name);
    const staged = await this.stage(async (dir) => {
      await this.templates.copyInto(input.templateId, dir, input.name);
      await new ProjectGit(dir).init(authorOf(principal));
    });
    return this.commitStaged(principal, tenantId, input.name, input.templateId, template.runtime, staged);
  }

  /** Imports a project by cloning an http(s) git URL; it must hold a valid slipway.json. */
  async importFromGit(
    principal: Principal,
    tenantId: string,
    input: { name: string; url: string },
  ): Promise<ProjectDto> {
    await this.identity.requireRole(principal, tenantId, PROJECT_ROLES);
    await this.assertNameFree(tenantId, input.name);
    let runtime: 'java' | 'python' = 'python';
    const staged = await this.stage(async (dir) => {
      await ProjectGit.clone(input.url, dir, this.cloneOptions);
      runtime = await readRuntime(dir);
    });
    return this.commitStaged(principal, tenantId, input.name, null, runtime, staged);
  }

  /** Recreates a project from a git bundle (an app backup's source repository). */
  async importFromBundle(
    principal: Principal,
    tenantId: string,
    input: { name: string; bundleFile: string },
  ): Promise<ProjectDto> {
    await this.identity.requireRole(principal, tenantId, PROJECT_ROLES);
    await this.assertNameFree(tenantId, input.name);
    let runtime: 'java' | 'python' = 'python';
    const staged = await this.stage(async (dir) => {
      await ProjectGit.cloneBundle(input.bundleFile, dir);
      runtime = await readRuntime(dir);
    });
    return this.commitStaged(principal, tenantId, input.name, null, runtime, staged);
  }

  /** True when the tenant has no project of that name yet. */
  async isNameFree(tenantId: string, name: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('projects')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('name', '=', name)
      .executeTakeFirst();
    return !row;
  }

  /** Opens a project the principal may work on; other tenants' projects are "not found". */
  async open(principal: Principal, projectId: string): Promise<ProjectHandle> {
    const row = await this.db.selectFrom('projects').selectAll().where('id', '=', projectId).executeTakeFirst();
    if (!row) throw notFound('No such project.');
    const roles = await this.identity.rolesIn(principal.userId, row.tenant_id);
    if (!roles.some((role) => PROJECT_ROLES.includes(role))) throw notFound('No such project.');
    return { project: toProjectDto(row), dir: this.dirOf(row.id) };
  }

  /** True while the user holds a project role in the project's tenant. */
  async mayOpen(userId: string, projectId: string): Promise<boolean> {
    const row = await this.db.selectFrom('projects').select('tenant_id').where('id', '=', projectId).executeTakeFirst();
    if (!row) return false;
    const roles = await this.identity.rolesIn(userId, row.tenant_id);
    return roles.some((role) => PROJECT_ROLES.includes(role));
  }

  async delete(principal: Principal, projectId: string): Promise<void> {
    const { project, dir } = await this.open(principal, projectId);
    await this.db.deleteFrom('projects').where('id', '=', project.id).execute();
    await rm(dir, { recursive: true, force: true });
  }

  /** Where a project's working tree lives (the project need not exist). */
  dirOf(projectId: string): string {
    return path.join(this.projectsDir, projectId);
  }

  private async assertNameFree(tenantId: string, name: string): Promise<void> {
    if (!(await this.isNameFree(tenantId, name)))
      throw conflict(`A project named "${name}" already exists in this tenant.`);
  }

  /** Builds the folder aside, so a crash never leaves a half-made project in place. */
  private async stage(fill: (dir: string) => Promise<void>): Promise<{ id: string; dir: string }> {
    const id = newId();
    const dir = path.join(this.projectsDir, STAGING_PREFIX + id);
    await mkdir(dir, { recursive: true });
    try {
      await fill(dir);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return { id, dir };
  }

  private async commitStaged(
    principal: Principal,
    tenantId: string,
    name: string,
    templateId: string | null,
    runtime: 'java' | 'python',
    staged: { id: string; dir: string },
  ): Promise<ProjectDto> {
    const finalDir = this.dirOf(staged.id);
    await rename(staged.dir, finalDir);
    const row: ProjectsTable = {
      id: staged.id,
      tenant_id: tenantId,
      name,
      runtime,
      template_id: templateId,
      created_by: principal.userId,
      created_at: nowIso(),
    };
    try {
      await this.db.insertInto('projects').values(row).execute();
    } catch (error) {
      await rm(finalDir, { recursive: true, force: true });
      await this.assertNameFree(tenantId, name);
      throw error;
    }
    return toProjectDto(row);
  }
}

async function readRuntime(dir: string): Promise<'java' | 'python'> {
  const manifestPath = path.join(dir, 'slipway.json');
  const info = await stat(manifestPath).catch(() => null);
  if (!info?.isFile()) throw invalidInput('The repository has no slipway.json at its root.');
  return parseAppManifest(await readFile(manifestPath, 'utf8')).runtime;
}

function authorOf(principal: Principal): { name: string; email: string } {
  return { name: principal.name, email: principal.email };
}

function toProjectDto(row: ProjectsTable): ProjectDto {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    runtime: row.runtime as 'java' | 'python',
    templateId: row.template_id,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}
