import type { ReactNode } from 'react';
import { Icon, type IconName } from './icon';

/** A toolbar button showing only an icon; `label` is its accessible name, `title` its tooltip. */
export function IconButton({
  icon,
  label,
  title,
  pressed,
  disabled,
  onClick,
}: {
  icon: IconName;
  label: string;
  title?: string;
  pressed?: boolean;
  disabled?: boolean;
  onClick: () => void;
}): ReactNode {
  return (
    <button
      type="button"
      className="icon-btn"
      aria-label={label}
      aria-pressed={pressed}
      title={title ?? label}
      disabled={disabled}
      onClick={onClick}
    >
      <Icon name={icon} />
    </button>
  );
}
