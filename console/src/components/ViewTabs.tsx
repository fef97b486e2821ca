import { VIEWS, type View } from '../view';

/** The main navigation: plain links to the views' hashes, the current one marked for screen readers too. */
export function ViewTabs({ current }: { current: View }) {
  return (
    <nav className="tabs" aria-label="Views">
      {(Object.entries(VIEWS) as [View, string][]).map(([view, label]) => (
        <a key={view} href={`#${view}`} aria-current={view === current ? 'page' : undefined} data-view={view}>
          {label}
        </a>
      ))}
    </nav>
  );
}
