'use client';

import { useRef, type KeyboardEvent } from 'react';
import { LauncherIcon, type LauncherIconName } from './launcher-icons';

/** The launcher's three views. */
export type LauncherView = 'apps' | 'notifications' | 'messages';

/** One tab: its view, name, icon and unread count. */
export interface LauncherTab {
  view: LauncherView;
  label: string;
  icon: LauncherIconName;
  badge: number;
}

/** The id of a view's tab and of its panel (they point at each other). */
export const tabId = (view: LauncherView) => `ln-tab-${view}`;
export const panelId = (view: LauncherView) => `ln-panel-${view}`;

/**
 * The bottom tab bar (ARIA tabs: one tab in the Tab order, arrows and Home/End move between
 * them). A tab's name is its label, then its unread count ("Notifications 2 unread").
 */
export function TabBar({
  tabs,
  active,
  onSelect,
}: {
  tabs: readonly LauncherTab[];
  active: LauncherView;
  onSelect: (view: LauncherView) => void;
}) {
  const list = useRef<HTMLDivElement>(null);

  function onKeyDown(event: KeyboardEvent): void {
    const index = tabs.findIndex((tab) => tab.view === active);
    const next = nextIndex(event.key, index, tabs.length);
    const target = next === null ? undefined : tabs[next];
    if (!target) return;
    event.preventDefault();
    onSelect(target.view);
    list.current?.querySelector<HTMLButtonElement>(`#${tabId(target.view)}`)?.focus();
  }

  return (
    <nav className="ln-tabbar" aria-label="Launcher">
      <div role="tablist" aria-label="Views" ref={list} onKeyDown={onKeyDown}>
        {tabs.map((tab) => {
          const selected = tab.view === active;
          return (
            <button
              key={tab.view}
              type="button"
              role="tab"
              id={tabId(tab.view)}
              aria-selected={selected}
              aria-controls={panelId(tab.view)}
              tabIndex={selected ? 0 : -1}
              className="ln-tab"
              onClick={() => onSelect(tab.view)}
            >
              <span className="ln-tab-icon">
                <LauncherIcon name={tab.icon} />
                {tab.badge > 0 ? (
                  <span className="ln-badge" aria-hidden="true">
                    {tab.badge > 99 ? '99+' : tab.badge}
                  </span>
                ) : null}
              </span>
              <span className="ln-tab-label">{tab.label}</span>
              {tab.badge > 0 ? <span className="visually-hidden"> {tab.badge} unread</span> : null}
            </button>
          );
        })}
      </div>
    </nav>
  );
}

function nextIndex(key: string, index: number, count: number): number | null {
  switch (key) {
    case 'ArrowRight':
      return (index + 1) % count;
    case 'ArrowLeft':
      return (index - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
