import { useState } from 'react';
import { useMutation } from 'urql';
import { DeleteBackupDocument, RestoreBackupDocument, type BackupRowFragment } from '../../../schema/client/graphql.js';
import { outcomeOf } from '../outcome';
import { useCan } from '../viewer';
import { Confirm } from './Confirm';
import type { TrackedJob } from './JobsDrawer';

type Pending = 'restore' | 'delete' | null;

/** Restore and delete from a row, each behind a confirmation naming what is overwritten or removed. */
export function RowActions({ row, onJob }: { row: BackupRowFragment; onJob(job: TrackedJob): void }) {
  const [pending, setPending] = useState<Pending>(null);
  const [error, setError] = useState<string | null>(null);
  const [, restore] = useMutation(RestoreBackupDocument);
  const [, remove] = useMutation(DeleteBackupDocument);
  const canRestore = useCan('RESTORE');
  const canDelete = useCan('DELETE');
  const target = row.source ? `${row.source.__typename === 'Volume' ? 'volume' : 'database instance'} ${row.source.name ?? row.source.id}` : 'its source';
  if (row.status === 'DELETED' || (!canRestore && !canDelete)) return null;

  const run = async (which: Exclude<Pending, null>) => {
    setPending(null);
    setError(null);
    const result =
      which === 'restore'
        ? await restore({ input: { backupId: row.id } }).then((r) => outcomeOf(r.data?.restoreBackup, r.error))
        : await remove({ input: { id: row.id } }).then((r) => outcomeOf(r.data?.deleteBackup, r.error));
    if (result.kind === 'job') onJob({ id: result.job.id, label: `${which === 'restore' ? 'Restore' : 'Delete'} ${row.name}`, initial: result.job });
    else setError(result.kind === 'invalid' ? Object.values(result.fields).join('; ') : result.message);
  };

  return (
    <div className="row-actions">
      {canRestore && (
        <button type="button" onClick={() => setPending('restore')} disabled={row.status !== 'AVAILABLE'} aria-label={`Restore ${row.name}`}>
          Restore…
        </button>
      )}
      {canDelete && (
        <button type="button" className="danger" onClick={() => setPending('delete')} aria-label={`Delete ${row.name}`}>
          Delete…
        </button>
      )}
      {error && <p className="field-error">{error}</p>}
      {pending === 'restore' && (
        <Confirm title={`Restore ${row.name}?`} action="Restore and overwrite" onConfirm={() => void run('restore')} onCancel={() => setPending(null)}>
          <p>
            The current data on <strong>{target}</strong> ({row.provider.name}) will be overwritten with backup <strong>{row.name}</strong>.
          </p>
        </Confirm>
      )}
      {pending === 'delete' && (
        <Confirm title={`Delete ${row.name}?`} action="Delete backup" onConfirm={() => void run('delete')} onCancel={() => setPending(null)}>
          <p>
            Backup <strong>{row.name}</strong> of {target} will be removed from <strong>{row.provider.name}</strong>. This cannot be undone.
          </p>
        </Confirm>
      )}
    </div>
  );
}
