'use client';

import type { ReactNode } from 'react';
import { useModal } from '@/components/wizard/use-modal';

/** A modal <dialog>, open while mounted: a title, the body, any actions, then Close (Escape closes too). */
export function ModalDialog({
  className,
  titleId,
  title,
  actions,
  onClose,
  children,
}: {
  className: string;
  titleId: string;
  title: ReactNode;
  /** Buttons shown before Close. */
  actions?: ReactNode;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useModal(true);
  // close() before unmounting lets the browser return focus to the button that opened the dialog.
  const close = (): void => {
    ref.current?.close();
    onClose();
  };
  return (
    <dialog
      ref={ref}
      className={`modal ${className}`}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
    >
      <div className="modal-body">
        <h2 id={titleId}>{title}</h2>
        {children}
        <div className="modal-actions">
          {actions}
          <button type="button" className="btn" autoFocus onClick={close}>
            Close
          </button>
        </div>
      </div>
    </dialog>
  );
}
