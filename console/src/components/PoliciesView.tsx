import { useCallback, useState } from 'react';
import { useClient } from 'urql';
import { ConsolePoliciesDocument, type ConsolePolicyFragment } from '../../../schema/client/graphql.js';
import { providerKindLabel } from '../format';
import { POLICIES_PAGE_SIZE } from '../page-sizes';
import { pageOf, usePaged } from '../paged';
import { retentionText, scheduleText } from '../policy-form';
import { useCan } from '../viewer';
import { Breakable } from './Breakable';
import { Instant } from './Instant';
import { ListFooter } from './ListFooter';
import { ListNotices } from './ListNotices';
import { PolicyActions } from './PolicyActions';
import { PolicyForm } from './PolicyForm';
import { PolicyTargets } from './PolicyTargets';


/** What the side panel shows: the create form, or one policy's edit form or targets. */
type Side = { kind: 'create' } | { kind: 'edit' | 'targets'; policy: ConsolePolicyFragment };

/** Backup policies across providers; a key with scope `policy` also creates, edits, attaches and deletes. */
export function PoliciesView() {
  const client = useClient();
  const canChange = useCan('POLICY');
  const [side, setSide] = useState<Side>({ kind: 'create' });
  const fetchPage = useCallback(
    async (after: string | null) => {
      const result = await client.query(ConsolePoliciesDocument, { first: POLICIES_PAGE_SIZE, after }, { requestPolicy: 'network-only' }).toPromise();
      return { page: pageOf(result.data?.backupPolicies), error: result.error };
    },
    [client],
  );
  const { state, loadMore, reload } = usePaged<ConsolePolicyFragment>(fetchPage);
  const changed = (policy: ConsolePolicyFragment) => {
    reload();
    setSide((current) => (current.kind === 'targets' ? { kind: 'targets', policy } : { kind: 'create' }));
  };

  return (
    <main className="layout">
      <section className="panel list policies" aria-labelledby="policies-title">
        <h2 id="policies-title">Policies</h2>
        <ListNotices failures={state.failures} error={state.error} what="policies" />
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Backup policies</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Provider</th>
                <th scope="col">Schedule</th>
                <th scope="col">Retention</th>
                <th scope="col">Targets</th>
                <th scope="col">Next run</th>
                {canChange && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {state.rows.map((policy) => (
                <tr key={policy.id} data-policy={policy.name} data-provider-kind={policy.provider.kind} data-enabled={policy.enabled}>
                  <td className="name">
                    <Breakable text={policy.name} />
                    {!policy.enabled && <div className="muted">disabled</div>}
                  </td>
                  <td>
                    {policy.provider.name}
                    <div className="muted">{providerKindLabel(policy.provider.kind)}</div>
                  </td>
                  <td className="schedule" title={`UTC: ${policy.schedule.utcTimesOfDay.join(', ')}`}>
                    {scheduleText(policy.schedule)}
                  </td>
                  <td className="retention">{retentionText(policy.retention)}</td>
                  <td className="policy-targets">{policy.targets.map((t) => (t.__typename === 'BackupStorage' ? t.storageName : (t.name ?? t.id))).join(', ') || <span className="muted">none known</span>}</td>
                  <td className="when">
                    <Instant iso={policy.nextRunAt} />
                  </td>
                  {canChange && (
                    <td className="actions">
                      <PolicyActions
                        policy={policy}
                        onEdit={() => setSide({ kind: 'edit', policy })}
                        onTargets={() => setSide({ kind: 'targets', policy })}
                        onDeleted={() => {
                          reload();
                          setSide({ kind: 'create' });
                        }}
                      />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <ListFooter state={state} onMore={loadMore} none="No backup policies." />
      </section>
      <aside className="side" aria-label="Policy actions">
        {!canChange && (
          <section className="panel">
            <p className="muted">This API key may not change policies (it lacks the policy scope).</p>
          </section>
        )}
        {canChange && side.kind === 'create' && <PolicyForm onSaved={changed} />}
        {canChange && side.kind === 'edit' && <PolicyForm key={side.policy.id} policy={side.policy} onSaved={changed} onCancel={() => setSide({ kind: 'create' })} />}
        {canChange && side.kind === 'targets' && <PolicyTargets key={side.policy.id} policy={side.policy} onChanged={changed} onClose={() => setSide({ kind: 'create' })} />}
      </aside>
    </main>
  );
}
