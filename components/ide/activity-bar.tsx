'use client';

import Link from 'next/link';
import { Icon, type IconName } from '@/components/ui/icon';
import type { SideView } from './layout-state';

const VIEWS: { id: SideView; label: string; icon: IconName; shortcut: string }[] = [
  { id: 'explorer', label: 'Explorer', icon: 'files', shortcut: 'Ctrl+Shift+E' },
  { id: 'scm', label: 'Source Control', icon: 'source-control', shortcut: 'Ctrl+Shift+G' },
];

/** The leftmost strip: picks the side bar view; choosing the open one hides the side bar. */
export function ActivityBar({
  view,
  sideBarVisible,
  changes,
  onSelect,
}: {
  view: SideView;
  sideBarVisible: boolean;
  changes: number;
  onSelect: (view: SideView) => void;
}) {
  return (
    <nav className="activity-bar" aria-label="Views">
      <Link href="/" className="activity-item" aria-label="Dashboard" title="Back to the dashboard" prefetch={false}>
        <Icon name="home" size={22} />
      </Link>
      {VIEWS.map((v) => (
        <button
          key={v.id}
          type="button"
          className={`activity-item${sideBarVisible && view === v.id ? ' active' : ''}`}
          aria-label={v.label}
          aria-pressed={sideBarVisible && view === v.id}
          title={`${v.label} (${v.shortcut})`}
          onClick={() => onSelect(v.id)}
        >
          <Icon name={v.icon} size={22} />
          {v.id === 'scm' && changes > 0 ? (
            <span className="activity-badge" aria-hidden="true">
              {changes > 99 ? '99+' : changes}
            </span>
          ) : null}
        </button>
      ))}
    </nav>
  );
}
