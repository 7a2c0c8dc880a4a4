import { StrokeIcon } from '@/components/ui/icon';

/** Names of the launcher's tab and action icons. */
export type LauncherIconName = 'apps' | 'bell' | 'mail' | 'sign-out';

// 24×24 strokes drawn for the launcher (bigger and rounder than the IDE's 16×16 set).
const PATHS: Record<LauncherIconName, string> = {
  apps: 'M4 4h6v6H4z M14 4h6v6h-6z M4 14h6v6H4z M14 14h6v6h-6z',
  bell: 'M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15z M10 20.5a2 2 0 0 0 4 0',
  mail: 'M3.5 5.5h17v13h-17z M3.5 6l8.5 7 8.5-7',
  'sign-out': 'M14 4.5H5v15h9 M10 12h10 M16.5 8.5 20 12l-3.5 3.5',
};

/** A decorative launcher icon; the control around it carries the accessible name. */
export function LauncherIcon({ name, size = 24 }: { name: LauncherIconName; size?: number }) {
  return <StrokeIcon path={PATHS[name]} size={size} grid={24} strokeWidth={1.8} />;
}
