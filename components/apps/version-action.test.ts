import { describe, expect, it } from 'vitest';
import type { AppDto, AppVersionDto } from '@/server/protocol/apps';
import { versionAction } from './version-action';

const app = (activeVersion: number | null) => ({ activeVersion }) as AppDto;
const version = (number: number, patch: Partial<AppVersionDto> = {}) =>
  ({ number, active: false, state: 'ready', health: 'healthy', ...patch }) as AppVersionDto;

describe('versionAction', () => {
  it('offers roll back for older ready versions and promote for newer ones', () => {
    expect(versionAction(app(3), version(2))).toBe('rollback');
    expect(versionAction(app(2), version(3))).toBe('promote');
    expect(versionAction(app(null), version(1))).toBe('rollback');
  });

  it('offers nothing for the active, failed, building or unhealthy versions', () => {
    expect(versionAction(app(3), version(3, { active: true }))).toBeNull();
    expect(versionAction(app(3), version(2, { state: 'failed' }))).toBeNull();
    expect(versionAction(app(3), version(4, { state: 'building' }))).toBeNull();
    expect(versionAction(app(3), version(2, { health: 'unhealthy' }))).toBeNull();
  });
});
