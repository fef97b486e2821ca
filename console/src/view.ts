import { useEffect, useState } from 'react';

/** The console's views; the URL's hash names the one shown, so a reload or a shared link keeps it. */
export const VIEWS = { backups: 'Backups', protection: 'Protection', policies: 'Policies' } as const;
export type View = keyof typeof VIEWS;

function viewOfHash(hash: string): View {
  const name = hash.replace(/^#/, '');
  return name in VIEWS ? (name as View) : 'backups';
}

export function useView(): View {
  const [view, setView] = useState<View>(() => viewOfHash(location.hash));
  useEffect(() => {
    const follow = () => setView(viewOfHash(location.hash));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return view;
}
