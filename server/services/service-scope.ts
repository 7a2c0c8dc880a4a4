/** Where an instance runs: preview data never mixes with production data. */
export type ServiceEnvironment = 'preview' | 'production';

/**
 * Whose data a platform-service call touches. Every call is scoped to one tenant, one app and
 * one environment; the services socket derives the scope from the instance's token, never from
 * what the app sends.
 */
export interface ServiceScope {
  tenantId: string;
  /** The app's id; a project never published previews under its project id. */
  appId: string;
  environment: ServiceEnvironment;
  /** The user the current request acts for, when the gateway verified one. */
  userId?: string;
}
