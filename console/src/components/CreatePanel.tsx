import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import {
  CreateDatabaseBackupDocument,
  CreateVmBackupDocument,
  CreateVolumeBackupDocument,
  CreateVolumeSnapshotDocument,
  InventoryDocument,
} from '../../../schema/client/graphql.js';
import { elsewhere } from '../field-errors';
import { outcomeOf, type Outcome } from '../outcome';
import { useCan } from '../viewer';
import { FieldError } from './FieldError';
import type { TrackedJob } from './JobsDrawer';

type Action = 'volumeBackup' | 'snapshot' | 'vmBackup' | 'databaseBackup';

const ACTIONS: Record<Action, string> = {
  volumeBackup: 'Back up a volume',
  snapshot: 'Snapshot a volume (ZStack)',
  vmBackup: 'Back up a whole VM (ZStack)',
  databaseBackup: 'Back up a database (TaurusDB)',
};

/** Huawei VBS's own naming rule (huawei.md A.1): shown before the person types, checked again by the API. */
const VBS_NAME_RULE = 'VBS names: letters, digits, _ and - only, at most 64 characters.';

/** The fields this form shows errors beside. */
const SHOWN_FIELDS = new Set(['volumeId', 'rootVolumeId', 'instanceId', 'backupStorageId', 'name', 'description']);

/** Starts a backup, snapshot, VM backup or database backup; the job joins the jobs drawer. */
export function CreatePanel({ onJob }: { onJob(job: TrackedJob): void }) {
  if (!useCan('BACKUP')) {
    return (
      <section className="panel" aria-labelledby="create-title">
        <h2 id="create-title">Create</h2>
        <p className="muted">This API key may not start backups (it lacks the backup scope).</p>
      </section>
    );
  }
  return <CreateForm onJob={onJob} />;
}

function CreateForm({ onJob }: { onJob(job: TrackedJob): void }) {
  const [{ data }] = useQuery({ query: InventoryDocument });
  const [action, setAction] = useState<Action>('volumeBackup');
  const [source, setSource] = useState('');
  const [storage, setStorage] = useState('');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [, createVolumeBackup] = useMutation(CreateVolumeBackupDocument);
  const [, createSnapshot] = useMutation(CreateVolumeSnapshotDocument);
  const [, createVmBackup] = useMutation(CreateVmBackupDocument);
  const [, createDatabaseBackup] = useMutation(CreateDatabaseBackupDocument);

  const kindOf = new Map(data?.providers.map((p) => [p.id, p.kind]));
  const volumes = (data?.volumes.edges ?? []).flatMap((e) => (e.node ? [e.node] : []));
  const choices =
    action === 'databaseBackup'
      ? (data?.databaseInstances.edges ?? []).flatMap((e) => (e.node ? [{ id: e.node.id, label: `${e.node.name ?? e.node.id} (${e.node.engine ?? 'database'})` }] : []))
      : volumes
          .filter((v) => action === 'volumeBackup' || kindOf.get(v.provider.id) === 'ZSTACK')
          .filter((v) => action !== 'vmBackup' || v.type === 'Root')
          .map((v) => ({ id: v.id, label: `${v.name ?? v.id} · ${v.provider.name}` }));
  const sourceKind = kindOf.get(volumes.find((v) => v.id === source)?.provider.id ?? '');
  const needsStorage = action === 'vmBackup' || (action === 'volumeBackup' && sourceKind === 'ZSTACK');
  const showsVbsRule = action === 'volumeBackup' && sourceKind === 'HUAWEI_VBS';
  const sourceField = action === 'databaseBackup' ? 'instanceId' : action === 'vmBackup' ? 'rootVolumeId' : 'volumeId';

  const submit = async () => {
    const common = { name, description: description || null };
    const started = async (): Promise<Outcome> => {
      switch (action) {
        case 'volumeBackup': {
          const r = await createVolumeBackup({ input: { ...common, volumeId: source, backupStorageId: needsStorage ? storage || null : null } });
          return outcomeOf(r.data?.createVolumeBackup, r.error);
        }
        case 'snapshot': {
          const r = await createSnapshot({ input: { ...common, volumeId: source } });
          return outcomeOf(r.data?.createVolumeSnapshot, r.error);
        }
        case 'vmBackup': {
          const r = await createVmBackup({ input: { ...common, rootVolumeId: source, backupStorageId: storage } });
          return outcomeOf(r.data?.createVmBackup, r.error);
        }
        case 'databaseBackup': {
          const r = await createDatabaseBackup({ input: { ...common, instanceId: source } });
          return outcomeOf(r.data?.createDatabaseBackup, r.error);
        }
      }
    };
    setBusy(true);
    setFieldErrors({});
    setFormError(null);
    const outcome = await started();
    setBusy(false);
    if (outcome.kind === 'job') {
      onJob({ id: outcome.job.id, label: `${ACTIONS[action]}: ${name}`, initial: outcome.job });
      // Ready for the next one: a second submit of the same name would only meet the vendor's duplicate rule.
      setName('');
      setDescription('');
    } else if (outcome.kind === 'invalid') {
      setFieldErrors(outcome.fields);
      setFormError(elsewhere(outcome.fields, SHOWN_FIELDS));
    } else setFormError(outcome.message);
  };

  const describedBy = (field: string, hint?: string) => [fieldErrors[field] ? `create-${field}-error` : '', hint ?? ''].filter(Boolean).join(' ') || undefined;

  return (
    <section className="panel" aria-labelledby="create-title">
      <h2 id="create-title">Create</h2>
      <form
        className="create"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <label htmlFor="create-action">What</label>
        <select
          id="create-action"
          value={action}
          onChange={(e) => {
            setAction(e.target.value as Action);
            setSource('');
            setFieldErrors({});
          }}
        >
          {Object.entries(ACTIONS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>

        <label htmlFor="create-source">{action === 'databaseBackup' ? 'Database instance' : action === 'vmBackup' ? 'VM (root volume)' : 'Volume'}</label>
        <select id="create-source" value={source} onChange={(e) => setSource(e.target.value)} required aria-invalid={!!fieldErrors[sourceField]} aria-describedby={describedBy(sourceField)}>
          <option value="">Choose…</option>
          {choices.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
        <FieldError id={`create-${sourceField}-error`} message={fieldErrors[sourceField]} />

        {needsStorage && (
          <>
            <label htmlFor="create-storage">Image store</label>
            <select id="create-storage" value={storage} onChange={(e) => setStorage(e.target.value)} aria-invalid={!!fieldErrors.backupStorageId} aria-describedby={describedBy('backupStorageId')}>
              <option value="">Choose…</option>
              {data?.backupStorages.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
            <FieldError id="create-backupStorageId-error" message={fieldErrors.backupStorageId} />
          </>
        )}

        <label htmlFor="create-name">Name</label>
        <input id="create-name" value={name} onChange={(e) => setName(e.target.value)} aria-invalid={!!fieldErrors.name} aria-describedby={describedBy('name', showsVbsRule ? 'create-name-rule' : undefined)} />
        {showsVbsRule && (
          <p id="create-name-rule" className="muted">
            {VBS_NAME_RULE}
          </p>
        )}
        <FieldError id="create-name-error" message={fieldErrors.name} />

        <label htmlFor="create-description">Description (optional)</label>
        <input id="create-description" value={description} onChange={(e) => setDescription(e.target.value)} aria-invalid={!!fieldErrors.description} aria-describedby={describedBy('description')} />
        <FieldError id="create-description-error" message={fieldErrors.description} />

        {formError && (
          <p className="notice" role="alert">
            {formError}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Starting…' : 'Start'}
        </button>
      </form>
    </section>
  );
}
