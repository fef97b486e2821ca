import { useId, useState } from 'react';
import { useMutation } from 'urql';
import { ProtectVolumeDocument } from '../../../schema/client/graphql.js';
import { elsewhere } from '../field-errors';
import { outcomeOf } from '../outcome';
import type { Disk, Storage } from '../vaults';
import { FieldError } from './FieldError';
import type { TrackedJob } from './JobsDrawer';

/** The fields this form shows errors beside: the disk (e.g. BackupService.6103) and the vault (.6102). */
const SHOWN_FIELDS = new Set(['volumeId', 'backupStorageId']);

/** Binds a disk to a vault of its provider (protectVolume); the API's refusals appear beside the field they name. */
export function ProtectForm({ disk, choices, onJob, onClose }: { disk: Disk; choices: readonly Storage[]; onJob(job: TrackedJob): void; onClose(): void }) {
  const id = useId();
  const [vaultId, setVaultId] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [, protect] = useMutation(ProtectVolumeDocument);
  const name = disk.name ?? disk.id;

  const submit = async () => {
    setBusy(true);
    setFieldErrors({});
    setFormError(null);
    const outcome = await protect({ input: { volumeId: disk.id, backupStorageId: vaultId } }).then((r) => outcomeOf(r.data?.protectVolume, r.error));
    setBusy(false);
    if (outcome.kind === 'job') {
      const vault = choices.find((choice) => choice.id === vaultId)?.name ?? 'a vault';
      onJob({ id: outcome.job.id, label: `Protect ${name} in ${vault}`, initial: outcome.job });
      onClose();
    } else if (outcome.kind === 'invalid') {
      setFieldErrors(outcome.fields);
      setFormError(elsewhere(outcome.fields, SHOWN_FIELDS));
    } else setFormError(outcome.message);
  };

  return (
    <form
      className="protect"
      aria-label={`Protect ${name}`}
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      {/* The disk is the volumeId field: a refusal about it (already in another vault) is said here. */}
      <FieldError id={`${id}-volumeId-error`} message={fieldErrors.volumeId} />
      <label htmlFor={`${id}-vault`}>Vault for {name}</label>
      <select
        id={`${id}-vault`}
        value={vaultId}
        onChange={(e) => setVaultId(e.target.value)}
        required
        aria-invalid={!!fieldErrors.backupStorageId || !!fieldErrors.volumeId}
        aria-describedby={[fieldErrors.backupStorageId && `${id}-backupStorageId-error`, fieldErrors.volumeId && `${id}-volumeId-error`].filter(Boolean).join(' ') || undefined}
      >
        <option value="">Choose…</option>
        {choices.map((vault) => (
          <option key={vault.id} value={vault.id}>
            {vault.name}
          </option>
        ))}
      </select>
      <FieldError id={`${id}-backupStorageId-error`} message={fieldErrors.backupStorageId} />
      {formError && (
        <p className="notice" role="alert">
          {formError}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" disabled={busy}>
          {busy ? 'Protecting…' : 'Protect'}
        </button>
      </div>
    </form>
  );
}
