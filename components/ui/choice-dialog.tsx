'use client';

import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';

/** One button of a choice dialog; the first option is the default (focused) one. */
export interface ChoiceOption<T extends string> {
  value: T;
  label: string;
  danger?: boolean;
}

export interface ChoiceRequest<T extends string> {
  title: string;
  message: string;
  options: ChoiceOption<T>[];
}

type Ask = <T extends string>(request: ChoiceRequest<T>) => Promise<T | 'cancel'>;

const ChoiceContext = createContext<Ask | null>(null);

interface Pending {
  request: ChoiceRequest<string>;
  resolve: (value: string) => void;
}

/** Hosts promise-based confirm/choice dialogs (a native modal <dialog>: focus trap + Escape). */
export function ChoiceDialogProvider({ children }: { children: ReactNode }) {
  const [pending, setPending] = useState<Pending | null>(null);
  const dialogRef = useRef<HTMLDialogElement>(null);

  const ask = useCallback<Ask>(
    (request) =>
      new Promise((resolve) => {
        setPending({ request, resolve: resolve as (value: string) => void });
      }),
    [],
  );

  useEffect(() => {
    const dialog = dialogRef.current;
    if (pending && dialog && !dialog.open) dialog.showModal();
  }, [pending]);

  const finish = (value: string): void => {
    pending?.resolve(value);
    setPending(null);
    dialogRef.current?.close();
  };

  return (
    <ChoiceContext.Provider value={ask}>
      {children}
      {pending ? (
        <dialog
          ref={dialogRef}
          className="modal"
          aria-labelledby="choice-title"
          aria-describedby="choice-message"
          onCancel={(e) => {
            e.preventDefault();
            finish('cancel');
          }}
          style={{ width: 'min(440px, calc(100vw - 32px))' }}
        >
          <div className="modal-body">
            <h2 id="choice-title">{pending.request.title}</h2>
            <p id="choice-message">{pending.request.message}</p>
            <div className="modal-actions">
              {pending.request.options.map((option, index) => (
                <button
                  key={option.value}
                  type="button"
                  autoFocus={index === 0}
                  className={`btn${option.danger ? ' btn-danger' : index === 0 ? '' : ' btn-secondary'}`}
                  onClick={() => finish(option.value)}
                >
                  {option.label}
                </button>
              ))}
              <button type="button" className="btn btn-secondary" onClick={() => finish('cancel')}>
                Cancel
              </button>
            </div>
          </div>
        </dialog>
      ) : null}
    </ChoiceContext.Provider>
  );
}

/** Returns `ask(request)`, resolving with the chosen option's value or 'cancel'. */
export function useChoice(): Ask {
  const ask = useContext(ChoiceContext);
  if (!ask) throw new Error('useChoice() needs a <ChoiceDialogProvider> above it');
  return ask;
}
