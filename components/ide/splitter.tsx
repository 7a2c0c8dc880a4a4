'use client';

import { useRef, type KeyboardEvent, type PointerEvent } from 'react';

/** A draggable, keyboard-operable separator (WAI-ARIA "window splitter"). */
export function Splitter({
  orientation,
  label,
  value,
  min,
  max,
  invert = false,
  onChange,
  controls,
}: {
  /** 'vertical' separates side-by-side panes (drag horizontally); 'horizontal' stacked ones. */
  orientation: 'vertical' | 'horizontal';
  label: string;
  value: number;
  min: number;
  max: number;
  /** The controlled pane grows when the pointer moves left/up (e.g. a bottom panel). */
  invert?: boolean;
  onChange: (value: number) => void;
  controls?: string;
}) {
  const drag = useRef<{ start: number; value: number } | null>(null);
  const clamp = (v: number): number => Math.round(Math.min(max, Math.max(min, v)));
  const coordinate = (e: PointerEvent): number => (orientation === 'vertical' ? e.clientX : e.clientY);

  function onPointerDown(e: PointerEvent<HTMLDivElement>): void {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { start: coordinate(e), value };
    document.body.classList.add(orientation === 'vertical' ? 'resizing-col' : 'resizing-row');
  }

  function onPointerMove(e: PointerEvent<HTMLDivElement>): void {
    if (!drag.current) return;
    const delta = coordinate(e) - drag.current.start;
    onChange(clamp(drag.current.value + (invert ? -delta : delta)));
  }

  function onPointerUp(e: PointerEvent<HTMLDivElement>): void {
    drag.current = null;
    e.currentTarget.releasePointerCapture(e.pointerId);
    document.body.classList.remove('resizing-col', 'resizing-row');
  }

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>): void {
    const step = e.shiftKey ? 50 : 10;
    const grow = orientation === 'vertical' ? (invert ? 'ArrowLeft' : 'ArrowRight') : invert ? 'ArrowUp' : 'ArrowDown';
    const shrink =
      orientation === 'vertical' ? (invert ? 'ArrowRight' : 'ArrowLeft') : invert ? 'ArrowDown' : 'ArrowUp';
    let next: number | null = null;
    if (e.key === grow) next = value + step;
    else if (e.key === shrink) next = value - step;
    else if (e.key === 'Home') next = min;
    else if (e.key === 'End') next = max;
    if (next === null) return;
    e.preventDefault();
    onChange(clamp(next));
  }

  return (
    <div
      role="separator"
      aria-label={label}
      aria-orientation={orientation}
      aria-valuenow={value}
      aria-valuemin={min}
      aria-valuemax={max}
      aria-controls={controls}
      tabIndex={0}
      className={`splitter splitter-${orientation}`}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onKeyDown={onKeyDown}
    />
  );
}
