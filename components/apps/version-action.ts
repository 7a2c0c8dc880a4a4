import type { AppDto, AppVersionDto } from '@/server/protocol/apps';

/** Which button a version row offers: back to an older ready version, forward to a newer one. */
export function versionAction(app: AppDto, version: AppVersionDto): 'rollback' | 'promote' | null {
  if (version.active || version.state !== 'ready' || version.health === 'unhealthy') return null;
  if (app.activeVersion === null || version.number < app.activeVersion) return 'rollback';
  return 'promote';
}
