import { useState } from 'react';
import { useMutation } from 'urql';
import { AttachBackupPolicyDocument, DetachBackupPolicyDocument, type ConsolePolicyFragment } from '../../../schema/client/graphql.js';
import type { FieldErrors } from '../field-errors';
import { refusalOf, type Refusal } from '../outcome';
import { useTargetChoices } from '../target-choices';
import { TargetPicker } from './TargetPicker';

const PREFIX = 'policy-targets';

/**
 * What a policy backs up: detach a target, or attach more. VBS keeps a disk in one policy, so an
 * attach of a disk that is in another is refused (rule in-another-policy); "Move it here" sends it
 * again with `move`.
 */
export function PolicyTargets({ policy, onChanged, onClose }: { policy: ConsolePolicyFragment; onChanged(policy: ConsolePolicyFragment): void; onClose(): void }) {
  const choices = useTargetChoices(policy.provider.id, policy.provider.kind);
  const [picked, setPicked] = useState<string[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [busy, setBusy] = useState(false);
  const [, attach] = useMutation(AttachBackupPolicyDocument);
  const [, detach] = useMutation(DetachBackupPolicyDocument);
  const attached = new Set(policy.targets.map((t) => t.id));

  const settle = (result: { __typename?: string; policy?: ConsolePolicyFragment } | undefined, error: { message: string } | undefined) => {
    setBusy(false);
    const refused = refusalOf(result, error);
    setRefusal(refused);
    setErrors(refused?.kind === 'invalid' ? refused.fields : {});
    if (!refused && result?.policy) {
      setPicked([]);
      onChanged(result.policy);
    }
  };
  const attachPicked = async (move: boolean) => {
    setBusy(true);
    const r = await attach({ input: { policyId: policy.id, targetIds: picked, move } });
    settle(r.data?.attachBackupPolicy, r.error);
  };
  const detachOne = async (targetId: string) => {
    setBusy(true);
    const r = await detach({ input: { policyId: policy.id, targetIds: [targetId] } });
    settle(r.data?.detachBackupPolicy, r.error);
  };
  const inAnother = refusal?.kind === 'invalid' && refusal.rules.targetIds === 'in-another-policy';
  const otherField = refusal?.kind === 'invalid' ? Object.keys(refusal.fields).find((field) => field !== 'targetIds') : undefined;

  return (
    <section className="panel" aria-labelledby={`${PREFIX}-title`}>
      <h2 id={`${PREFIX}-title`}>Targets of {policy.name}</h2>
      {policy.targets.length === 0 && <p className="muted">No targets known.</p>}
      {policy.provider.kind === 'HUAWEI_VBS' && <p className="muted">VBS lists no policy's disks: shown are those its backups name and those just attached here.</p>}
      <ul className="target-list">
        {policy.targets.map((target) => {
          const name = target.__typename === 'BackupStorage' ? target.storageName : (target.name ?? target.id);
          return (
            <li key={target.id} data-target={target.id}>
              <span>{name}</span>
              <button type="button" disabled={busy} onClick={() => void detachOne(target.id)} aria-label={`Detach ${name}`}>
                Detach
              </button>
            </li>
          );
        })}
      </ul>
      <form
        className="create"
        onSubmit={(event) => {
          event.preventDefault();
          void attachPicked(false);
        }}
      >
        <TargetPicker prefix={PREFIX} legend="Attach" choices={choices.targets.filter((c) => !attached.has(c.id))} selected={picked} onChange={setPicked} errors={errors}>
          {inAnother && (
            <button type="button" disabled={busy} onClick={() => void attachPicked(true)}>
              Move it here
            </button>
          )}
        </TargetPicker>
        {refusal?.kind === 'failed' && (
          <p className="notice" role="alert">
            {refusal.message}
          </p>
        )}
        {otherField && refusal?.kind === 'invalid' && (
          <p className="notice" role="alert">
            {otherField}: {refusal.fields[otherField]}
          </p>
        )}
        <div className="form-actions">
          <button type="submit" disabled={busy || picked.length === 0}>
            Attach
          </button>
          <button type="button" onClick={onClose}>
            Done
          </button>
        </div>
      </form>
    </section>
  );
}
