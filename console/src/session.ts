/**
 * Where the console's API key comes from: in demo mode the gateway writes the demo key into the
 * page (as it does into GraphiQL's headers); otherwise the person types one, and it is kept in
 * sessionStorage only: gone when the tab closes, never in localStorage or a cookie.
 */
const STORAGE_KEY = 'backupgraph.apiKey';

export function demoKey(): string | null {
  return document.querySelector<HTMLMetaElement>('meta[name="backupgraph-demo-key"]')?.content || null;
}

export function storedKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function storeKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
