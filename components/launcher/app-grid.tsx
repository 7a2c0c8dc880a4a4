import type { LauncherAppDto } from '@/server/protocol/launcher';
import { AppLetterIcon } from './app-letter-icon';
import './launcher-grid.css';

/** The home screen: one tile per app, each a link to the app (which signs the user in itself). */
export function AppGrid({ apps }: { apps: readonly LauncherAppDto[] }) {
  if (apps.length === 0) {
    return <p className="ln-empty">No apps have been published for you yet.</p>;
  }
  return (
    <ul className="ln-grid" aria-label="Apps">
      {apps.map((app) => (
        <li key={app.id}>
          <a
            className="ln-tile"
            href={app.url}
            aria-label={app.title}
            aria-describedby={app.description ? `ln-app-desc-${app.id}` : undefined}
          >
            <AppLetterIcon title={app.title} seed={app.id} />
            <span className="ln-tile-title">{app.title}</span>
            {app.description ? (
              <span className="ln-tile-desc" id={`ln-app-desc-${app.id}`}>
                {app.description}
              </span>
            ) : null}
          </a>
        </li>
      ))}
    </ul>
  );
}

/** Placeholder tiles while the apps load, so the grid does not jump in. */
export function AppGridSkeleton() {
  return (
    <ul className="ln-grid" aria-hidden="true">
      {Array.from({ length: 6 }, (_, i) => (
        <li key={i}>
          <span className="ln-tile ln-tile-skeleton">
            <span className="ln-icon" />
            <span className="ln-skeleton-line" />
          </span>
        </li>
      ))}
    </ul>
  );
}
