'use client';

import { useEffect, useRef, useState } from 'react';

/** The inline text box used to name a new file/folder or rename one (Enter/blur commit, Escape cancels). */
export function InlineNameInput({
  initial,
  label,
  depth,
  onCommit,
  onCancel,
}: {
  initial: string;
  label: string;
  depth: number;
  onCommit: (name: string) => void;
  onCancel: () => void;
}) {
  const [value, setValue] = useState(initial);
  const ref = useRef<HTMLInputElement>(null);
  // Blur fires after Enter/Escape removed the input; make sure only the first outcome counts.
  const done = useRef(false);

  useEffect(() => {
    const input = ref.current;
    if (!input) return;
    input.focus();
    // Like VS Code: select the name without its extension.
    const dot = initial.lastIndexOf('.');
    input.setSelectionRange(0, dot > 0 ? dot : initial.length);
  }, [initial]);

  const finish = (commit: boolean): void => {
    if (done.current) return;
    done.current = true;
    if (commit && value.trim() && value !== initial) onCommit(value.trim());
    else onCancel();
  };

  return (
    <div className="tree-row tree-edit" style={{ paddingLeft: depth * 12 + 8 }}>
      <input
        ref={ref}
        className="input tree-input"
        aria-label={label}
        value={value}
        spellCheck={false}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          e.stopPropagation();
          if (e.key === 'Enter') finish(true);
          if (e.key === 'Escape') finish(false);
        }}
        onBlur={() => finish(true)}
      />
    </div>
  );
}
