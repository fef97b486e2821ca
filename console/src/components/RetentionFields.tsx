import { errorId, fieldProps, type FieldErrors } from '../field-errors';
import type { PolicyForm, RetentionRule } from '../policy-form';
import { FieldError } from './FieldError';

type Set = <K extends keyof PolicyForm>(key: K, value: PolicyForm[K]) => void;

const RULES: Record<RetentionRule, string> = { maxBackups: 'Keep the newest N backups', retentionDays: 'Keep each backup N days' };

/** The retention fields' errors: the rule as a whole, or either number. */
export const RETENTION_FIELDS = ['retention', 'retention.maxBackups', 'retention.retentionDays'] as const;

/** How long backups are kept: one rule, a count or a number of days. */
export function RetentionFields({ prefix, form, set, errors }: { prefix: string; form: PolicyForm; set: Set; errors: FieldErrors }) {
  const field = RETENTION_FIELDS.find((f) => errors[f]) ?? 'retention';
  return (
    <>
      <label htmlFor={`${prefix}-retention-rule`}>Retention</label>
      <select id={`${prefix}-retention-rule`} value={form.retentionRule} onChange={(e) => set('retentionRule', e.target.value as RetentionRule)}>
        {Object.entries(RULES).map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      <label htmlFor={`${prefix}-retention`}>{form.retentionRule === 'maxBackups' ? 'Backups kept' : 'Days kept'}</label>
      <input id={`${prefix}-retention`} type="number" min={1} value={form.retention} onChange={(e) => set('retention', e.target.value)} {...fieldProps(prefix, errors, field)} />
      <FieldError id={`${prefix}-${errorId(field)}-error`} message={errors[field]} />
    </>
  );
}
