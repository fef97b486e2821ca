import { useCallback, useMemo, useState } from 'react';
import { Provider as UrqlProvider } from 'urql';
import { createConsoleClient } from './client';
import { BackupList } from './components/BackupList';
import { CreatePanel } from './components/CreatePanel';
import { HealthStrip } from './components/HealthStrip';
import { JobsDrawer, type TrackedJob } from './components/JobsDrawer';
import { KeyPrompt } from './components/KeyPrompt';
import { demoKey, forgetKey, storedKey, storeKey } from './session';

export function App() {
  const demo = useMemo(demoKey, []);
  const [apiKey, setApiKey] = useState<string | null>(() => demo ?? storedKey());
  const [jobs, setJobs] = useState<TrackedJob[]>([]);
  const connection = useMemo(() => (apiKey ? createConsoleClient(apiKey) : null), [apiKey]);
  const track = useCallback((job: TrackedJob) => setJobs((current) => [job, ...current.filter((j) => j.id !== job.id)]), []);

  if (!connection) {
    return (
      <KeyPrompt
        onKey={(key) => {
          storeKey(key);
          setApiKey(key);
        }}
      />
    );
  }
  return (
    <UrqlProvider value={connection.client}>
      <header className="top">
        <h1>backupgraph</h1>
        <span className="muted">{demo ? 'demo' : 'console'}</span>
        {!demo && (
          <button
            type="button"
            onClick={() => {
              connection.close();
              forgetKey();
              setApiKey(null);
            }}
          >
            Forget key
          </button>
        )}
      </header>
      <HealthStrip />
      <main className="layout">
        <BackupList onJob={track} />
        <aside className="side">
          <CreatePanel onJob={track} />
          <JobsDrawer jobs={jobs} />
        </aside>
      </main>
    </UrqlProvider>
  );
}
