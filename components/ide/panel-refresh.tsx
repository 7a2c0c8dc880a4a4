'use client';

import { createPortal } from 'react-dom';
import { IconButton } from '@/components/ui/icon-button';

/** A view's Refresh button, in the panel header while the view is shown (`toolbar`; null otherwise). */
export function PanelRefresh({
  toolbar,
  title,
  disabled,
  onRefresh,
}: {
  toolbar: HTMLElement | null;
  title: string;
  disabled: boolean;
  onRefresh: () => void;
}) {
  if (!toolbar) return null;
  return createPortal(
    <div className="panel-view-toolbar">
      <IconButton icon="refresh" label="Refresh" title={title} disabled={disabled} onClick={onRefresh} />
    </div>,
    toolbar,
  );
}
