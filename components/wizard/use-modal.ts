'use client';

import { useEffect, useRef } from 'react';

/** Opens/closes a native <dialog> as a modal to follow `open` (focus trap and Escape are native). */
export function useModal(open: boolean) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return ref;
}
