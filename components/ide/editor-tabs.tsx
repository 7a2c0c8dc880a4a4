'use client';

import { useRef, type KeyboardEvent } from 'react';
import { Icon } from '@/components/ui/icon';
import { tabId, type EditorTab } from './layout-state';

function tabLabel(tab: EditorTab): string {
  const name = tab.path.slice(tab.path.lastIndexOf('/') + 1);
  return tab.kind === 'diff' ? `${name} (diff)` : name;
}

/** The editor area's tab strip: ● marks unsaved files, × or middle-click closes, arrows move between tabs. */
export function EditorTabs({
  tabs,
  activeId,
  dirty,
  onSelect,
  onClose,
}: {
  tabs: EditorTab[];
  activeId: string | null;
  dirty: ReadonlySet<string>;
  onSelect: (id: string) => void;
  onClose: (tab: EditorTab) => void;
}) {
  const listRef = useRef<HTMLDivElement>(null);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>): void {
    const index = tabs.findIndex((t) => tabId(t) === activeId);
    let next = -1;
    if (e.key === 'ArrowRight') next = (index + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') next = (index - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    else if (e.key === 'Delete' && index >= 0) {
      const tab = tabs[index];
      if (tab) onClose(tab);
      e.preventDefault();
      return;
    }
    const target = tabs[next];
    if (!target) return;
    e.preventDefault();
    onSelect(tabId(target));
    requestAnimationFrame(() => listRef.current?.querySelector<HTMLElement>('[aria-selected="true"]')?.focus());
  }

  return (
    <div ref={listRef} role="tablist" aria-label="Open editors" className="editor-tabs" onKeyDown={onKeyDown}>
      {tabs.map((tab) => {
        const id = tabId(tab);
        const active = id === activeId;
        const isDirty = tab.kind === 'file' && dirty.has(tab.path);
        return (
          <div
            key={id}
            className={`editor-tab${active ? ' active' : ''}${isDirty ? ' dirty' : ''}`}
            role="presentation"
            title={tab.path}
            onAuxClick={(e) => {
              if (e.button === 1) {
                e.preventDefault();
                onClose(tab);
              }
            }}
            onMouseDown={(e) => {
              // Stops the browser's middle-click autoscroll.
              if (e.button === 1) e.preventDefault();
            }}
          >
            <button
              type="button"
              role="tab"
              aria-selected={active}
              tabIndex={active ? 0 : -1}
              className="editor-tab-label"
              data-dirty={isDirty || undefined}
              aria-describedby={isDirty ? 'editor-tab-dirty-note' : undefined}
              onClick={() => onSelect(id)}
            >
              {tabLabel(tab)}
            </button>
            <button
              type="button"
              className="editor-tab-close"
              tabIndex={-1}
              aria-label={`Close ${tabLabel(tab)}`}
              title={isDirty ? 'Unsaved changes — close' : 'Close'}
              onClick={() => onClose(tab)}
            >
              <span className="dirty-dot" aria-hidden="true">
                ●
              </span>
              <span className="close-x">
                <Icon name="close" size={14} />
              </span>
            </button>
          </div>
        );
      })}
      <span id="editor-tab-dirty-note" hidden>
        Unsaved changes
      </span>
    </div>
  );
}
