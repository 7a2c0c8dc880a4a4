import { z } from 'zod';
import { appKinds, appRuntimes } from './app-manifest';

/** Template ids are folder names under templates/: lowercase letters, digits and dashes. */
export const templateIdSchema = z.string().regex(/^[a-z0-9-]+$/, 'must be lowercase letters, digits and dashes');

/** Schema of what the new-app wizard shows about one template. */
export const templateSummarySchema = z.object({
  id: templateIdSchema,
  title: z.string(),
  description: z.string(),
  runtime: z.enum(appRuntimes),
  kind: z.enum(appKinds),
});

/** What the new-app wizard shows about one template. */
export type TemplateSummary = z.infer<typeof templateSummarySchema>;
