'use client';

import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiError, errorMessage } from '@/components/api/api-error';

interface Toast {
  id: number;
  kind: 'error' | 'info';
  title: string;
  detail: string;
}

/** Shows transient messages; errors from the API show the problem's title and detail. */
export interface Toaster {
  error(error: unknown, title?: string): void;
  info(message: string): void;
}

const ToastContext = createContext<Toaster | null>(null);

/** Provides `useToast()` to its subtree and renders the toast stack (an ARIA live region). */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const push = useCallback(
    (toast: Omit<Toast, 'id'>) => {
      const id = nextId.current++;
      setToasts((all) => [...all.slice(-3), { ...toast, id }]);
      // Errors stay longer: people need time to read a compiler or git message.
      setTimeout(() => dismiss(id), toast.kind === 'error' ? 10_000 : 4_000);
    },
    [dismiss],
  );

  const toaster = useMemo<Toaster>(
    () => ({
      error(error, title) {
        const apiTitle = error instanceof ApiError ? error.title : undefined;
        push({ kind: 'error', title: title ?? apiTitle ?? 'Something went wrong', detail: errorMessage(error) });
      },
      info(message) {
        push({ kind: 'info', title: message, detail: '' });
      },
    }),
    [push],
  );

  return (
    <ToastContext.Provider value={toaster}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : undefined}>
            <div>
              <div className="toast-title">{t.title}</div>
              {t.detail && t.detail !== t.title ? <div>{t.detail}</div> : null}
            </div>
            <button
              type="button"
              className="btn btn-ghost"
              aria-label="Dismiss notification"
              onClick={() => dismiss(t.id)}
            >
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): Toaster {
  const toaster = useContext(ToastContext);
  if (!toaster) throw new Error('useToast() needs a <ToastProvider> above it');
  return toaster;
}
