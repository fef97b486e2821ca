import { useState } from 'react';

/** A configured gateway's console asks for an API key; it is kept for this tab only. */
export function KeyPrompt({ onKey }: { onKey(key: string): void }) {
  const [key, setKey] = useState('');
  return (
    <main className="key-prompt">
      <h1>backupgraph</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (key.trim()) onKey(key.trim());
        }}
      >
        <label htmlFor="api-key">API key</label>
        <input id="api-key" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} aria-describedby="api-key-hint" autoFocus />
        <p id="api-key-hint" className="muted">
          Kept in this tab's session storage only, and sent to this gateway alone.
        </p>
        <button type="submit">Open console</button>
      </form>
    </main>
  );
}
