import { z } from 'zod';

export const projectNameSchema = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9-]{0,38}[a-z0-9]$/, 'lowercase letters, digits and dashes, 2–40 long, starting with a letter');

export const createProjectBodySchema = z.object({
  name: projectNameSchema,
  templateId: z.string().regex(/^[a-z0-9-]+$/),
});

export const importProjectBodySchema = z.object({
  name: projectNameSchema,
  url: z.string().url().max(2000),
});

/** A project (workspace): a git repository owned by a tenant. */
export interface ProjectDto {
  id: string;
  tenantId: string;
  name: string;
  runtime: 'java' | 'python';
  templateId: string | null;
  createdAt: string;
  createdBy: string;
}
