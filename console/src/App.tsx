import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { Provider as UrqlProvider, useQuery } from 'urql';
import { ViewerDocument } from '../../schema/client/graphql.js';
import { createConsoleClient } from './client';
import { BackupList } from './components/BackupList';
import { CreatePanel } from './components/CreatePanel';
import { DisksPanel } from './components/DisksPanel';
import { HealthStrip } from './components/HealthStrip';
import { JobsDrawer, type TrackedJob } from './components/JobsDrawer';
import { KeyPrompt } from './components/KeyPrompt';
import { PoliciesView } from './components/PoliciesView';
import { ProtectionView } from './components/ProtectionView';
import { ViewTabs } from './components/ViewTabs';
import { demoKey, forgetKey, storedKey, storeKey } from './session';
import { useView } from './view';
import { ScopesContext } from './viewer';

export function App() {
  const demo = useMemo(demoKey, []);
  const [apiKey, setApiKey] = useState<string | null>(() => demo ?? storedKey());
  const [jobs, setJobs] = useState<TrackedJob[]>([]);
  const view = useView();
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
        <KeyLabel />
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
      <WithScopes>
        <HealthStrip />
        <ViewTabs current={view} />
        {view === 'protection' && <ProtectionView />}
        {view === 'policies' && <PoliciesView />}
        {view === 'backups' && (
          <main className="layout">
            <BackupList onJob={track} />
            {/* After the list in reading order; at narrow widths the stylesheet puts it first, above the long list. */}
            <aside className="side" aria-label="Actions">
              <CreatePanel onJob={track} />
              <JobsDrawer jobs={jobs} />
              <DisksPanel onJob={track} />
            </aside>
          </main>
        )}
      </WithScopes>
    </UrqlProvider>
  );
}

/** The key's scopes for every component below, from Query.viewer. */
function WithScopes({ children }: { children: ReactNode }) {
  const [{ data }] = useQuery({ query: ViewerDocument });
  const scopes = useMemo(() => new Set(data?.viewer.scopes ?? []), [data]);
  return <ScopesContext.Provider value={scopes}>{children}</ScopesContext.Provider>;
}

/** Which key the console runs as (its label in the config, never the key). */
function KeyLabel() {
  const [{ data }] = useQuery({ query: ViewerDocument });
  return data ? (
    <span className="muted" data-key-label={data.viewer.label}>
      key: {data.viewer.label} ({data.viewer.scopes.map((scope) => scope.toLowerCase()).join(', ')})
    </span>
  ) : null;
}
