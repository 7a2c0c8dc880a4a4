'use client';

import { useEffect, useRef, type KeyboardEvent } from 'react';

/** One entry of a context menu. */
export interface MenuItem {
  label: string;
  shortcut?: string;
  danger?: boolean;
  run: () => void;
}

/** A small ARIA menu at a screen position; closes on Escape, outside click, or after a choice. */
export function ContextMenu({
  x,
  y,
  label,
  items,
  onClose,
}: {
  x: number;
  y: number;
  label: string;
  items: MenuItem[];
  onClose: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const menu = ref.current;
    menu?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onDown = (e: PointerEvent): void => {
      if (menu && !menu.contains(e.target as Node)) onClose();
    };
    window.addEventListener('pointerdown', onDown, true);
    window.addEventListener('blur', onClose);
    return () => {
      window.removeEventListener('pointerdown', onDown, true);
      window.removeEventListener('blur', onClose);
    };
  }, [onClose]);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>): void {
    const entries = Array.from(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);
    const index = entries.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'ArrowDown') entries[(index + 1) % entries.length]?.focus();
    else if (e.key === 'ArrowUp') entries[(index - 1 + entries.length) % entries.length]?.focus();
    else if (e.key === 'Escape' || e.key === 'Tab') onClose();
    else return;
    e.preventDefault();
    e.stopPropagation();
  }

  // Keep the menu on screen when opened near the right or bottom edge.
  const left = Math.min(x, window.innerWidth - 220);
  const top = Math.min(y, window.innerHeight - items.length * 26 - 12);

  return (
    <div ref={ref} role="menu" aria-label={label} className="context-menu" style={{ left, top }} onKeyDown={onKeyDown}>
      {items.map((item) => (
        <button
          key={item.label}
          type="button"
          role="menuitem"
          tabIndex={-1}
          className={`context-menu-item${item.danger ? ' danger' : ''}`}
          onClick={() => {
            onClose();
            item.run();
          }}
        >
          <span>{item.label}</span>
          {item.shortcut ? <span className="hint">{item.shortcut}</span> : null}
        </button>
      ))}
    </div>
  );
}
