import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { CreateBackupPolicyDocument, ProviderHealthDocument, UpdateBackupPolicyDocument, type ConsolePolicyFragment } from '../../../schema/client/graphql.js';
import { elsewhere, fieldProps, type FieldErrors } from '../field-errors';
import { browserZone, createInput, emptyPolicyForm, formOfPolicy, updateInput, type PolicyForm as Form } from '../policy-form';
import { refusalOf } from '../outcome';
import { useTargetChoices } from '../target-choices';
import { FieldError } from './FieldError';
import { ProviderSelect } from './ProviderSelect';
import { RETENTION_FIELDS, RetentionFields } from './RetentionFields';
import { ScheduleFields } from './ScheduleFields';
import { TargetPicker } from './TargetPicker';

/** The fields this form shows errors beside; any other is said once under the form. */
const SHOWN_FIELDS = new Set<string>(['provider', 'name', 'schedule.timesOfDay', 'schedule.daysOfWeek', 'schedule.intervalDays', 'schedule.timeZone', ...RETENTION_FIELDS, 'targetIds', 'backupStorageId', 'enabled']);

/**
 * Creates a policy (provider, name, schedule, retention, targets, ZStack image store) or edits one
 * (`policy` given: only what changed is sent). Targets of an existing policy change in PolicyTargets.
 */
export function PolicyForm({ policy, onSaved, onCancel }: { policy?: ConsolePolicyFragment; onSaved(policy: ConsolePolicyFragment): void; onCancel?(): void }) {
  const prefix = policy ? 'policy-edit' : 'policy-create';
  const [{ data }] = useQuery({ query: ProviderHealthDocument });
  const [form, setForm] = useState<Form>(() => (policy ? formOfPolicy(policy) : emptyPolicyForm(browserZone())));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [, create] = useMutation(CreateBackupPolicyDocument);
  const [, update] = useMutation(UpdateBackupPolicyDocument);
  const kind = policy?.provider.kind ?? data?.providers.find((p) => p.id === form.provider)?.kind;
  const choices = useTargetChoices(form.provider, kind);
  // Offered only where the gateway would take `enabled: false` (canSwitchOff), as the actions follow supportedMutations.
  const alwaysOn = policy !== undefined && !policy.canSwitchOff;
  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((current) => ({ ...current, [key]: value }));

  const submit = async () => {
    setBusy(true);
    setErrors({});
    setFormError(null);
    const answer = policy
      ? await update({ input: updateInput(form, policy) }).then((r) => ({ result: r.data?.updateBackupPolicy, error: r.error }))
      : await create({ input: createInput(form) }).then((r) => ({ result: r.data?.createBackupPolicy, error: r.error }));
    setBusy(false);
    const refusal = refusalOf(answer.result, answer.error);
    if (!refusal && answer.result && 'policy' in answer.result) {
      if (!policy) setForm((current) => ({ ...emptyPolicyForm(current.timeZone), provider: current.provider }));
      onSaved(answer.result.policy);
    } else if (refusal?.kind === 'invalid') {
      setErrors(refusal.fields);
      setFormError(elsewhere(refusal.fields, SHOWN_FIELDS));
    } else setFormError(refusal?.message ?? 'The gateway answered without the policy');
  };

  return (
    <section className="panel" aria-labelledby={`${prefix}-title`}>
      <h2 id={`${prefix}-title`}>{policy ? `Edit ${policy.name}` : 'New policy'}</h2>
      <form
        className="create"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        {!policy && (
          <>
            <label htmlFor={`${prefix}-provider`}>Provider</label>
            <ProviderSelect
              id={`${prefix}-provider`}
              none="Choose…"
              value={form.provider}
              required
              onChange={(e) => setForm((current) => ({ ...current, provider: e.target.value, targetIds: [], backupStorageId: '' }))}
              {...fieldProps(prefix, errors, 'provider')}
            />
            <FieldError id={`${prefix}-provider-error`} message={errors.provider} />
          </>
        )}

        <label htmlFor={`${prefix}-name`}>Name</label>
        <input id={`${prefix}-name`} value={form.name} onChange={(e) => set('name', e.target.value)} {...fieldProps(prefix, errors, 'name')} />
        <FieldError id={`${prefix}-name-error`} message={errors.name} />

        <ScheduleFields prefix={prefix} form={form} set={set} errors={errors} />
        <RetentionFields prefix={prefix} form={form} set={set} errors={errors} />

        {kind === 'ZSTACK' && (
          <>
            <label htmlFor={`${prefix}-storage`}>{policy ? 'Move backups to image store (optional)' : 'Image store'}</label>
            <select id={`${prefix}-storage`} value={form.backupStorageId} onChange={(e) => set('backupStorageId', e.target.value)} {...fieldProps(prefix, errors, 'backupStorageId')}>
              <option value="">{policy ? 'Keep as it is' : 'Choose…'}</option>
              {choices.storages.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.label}
                </option>
              ))}
            </select>
            <FieldError id={`${prefix}-backupStorageId-error`} message={errors.backupStorageId} />
          </>
        )}

        {!policy && form.provider && (
          <TargetPicker prefix={prefix} legend="Targets" choices={choices.targets} selected={form.targetIds} onChange={(next) => set('targetIds', next)} errors={errors} />
        )}

        <label className="check">
          <input
            type="checkbox"
            checked={form.enabled}
            disabled={alwaysOn}
            onChange={(e) => set('enabled', e.target.checked)}
            {...fieldProps(prefix, errors, 'enabled', alwaysOn ? `${prefix}-enabled-hint` : undefined)}
          />
          Enabled
        </label>
        {alwaysOn && (
          <p id={`${prefix}-enabled-hint`} className="muted">
            Always on: this provider cannot switch the policy off.
          </p>
        )}
        <FieldError id={`${prefix}-enabled-error`} message={errors.enabled} />

        {formError && (
          <p className="notice" role="alert">
            {formError}
          </p>
        )}
        <div className="form-actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Saving…' : policy ? 'Save' : 'Create policy'}
          </button>
          {onCancel && (
            <button type="button" onClick={onCancel}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
