import { useState } from 'react';
import { useMutation } from 'urql';
import { DeleteBackupPolicyDocument, type ConsolePolicyFragment } from '../../../schema/client/graphql.js';
import { refusalOf } from '../outcome';
import { Confirm } from './Confirm';

/**
 * Edit, change targets, or delete (behind a confirmation) one policy; shown only to a key with scope
 * `policy`, and each only where the policy's provider takes it (`supportedMutations`: TaurusDB's
 * automated policy is edited only).
 */
export function PolicyActions({ policy, onEdit, onTargets, onDeleted }: { policy: ConsolePolicyFragment; onEdit(): void; onTargets(): void; onDeleted(): void }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [, remove] = useMutation(DeleteBackupPolicyDocument);

  const run = async () => {
    setConfirming(false);
    setError(null);
    const r = await remove({ input: { id: policy.id } });
    const refusal = refusalOf(r.data?.deleteBackupPolicy, r.error);
    if (!refusal) onDeleted();
    else setError(refusal.kind === 'invalid' ? Object.values(refusal.fields).join('; ') : refusal.message);
  };

  const takes = new Set(policy.supportedMutations);
  return (
    <div className="row-actions">
      {takes.has('UPDATE') && (
        <button type="button" onClick={onEdit} aria-label={`Edit ${policy.name}`}>
          Edit
        </button>
      )}
      {(takes.has('ATTACH') || takes.has('DETACH')) && (
        <button type="button" onClick={onTargets} aria-label={`Targets of ${policy.name}`}>
          Targets
        </button>
      )}
      {takes.has('DELETE') && (
        <button type="button" className="danger" onClick={() => setConfirming(true)} aria-label={`Delete ${policy.name}`}>
          Delete…
        </button>
      )}
      {error && <p className="field-error">{error}</p>}
      {confirming && (
        <Confirm title={`Delete policy ${policy.name}?`} action="Delete policy" onConfirm={() => void run()} onCancel={() => setConfirming(false)}>
          <p>
            <strong>{policy.name}</strong> on <strong>{policy.provider.name}</strong> stops scheduling backups; the backups it made stay.
          </p>
        </Confirm>
      )}
    </div>
  );
}
