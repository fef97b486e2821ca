import type { ReactNode } from 'react';
import { errorId, fieldProps, type FieldErrors } from '../field-errors';
import type { Choice } from '../target-choices';
import { FieldError } from './FieldError';

/** Volumes or instances to pick, as checkboxes; the targets' ValidationError (and what to do about it) beside them. */
export function TargetPicker({
  prefix,
  legend,
  choices,
  selected,
  onChange,
  errors,
  field = 'targetIds',
  children,
}: {
  prefix: string;
  legend: string;
  choices: readonly Choice[];
  selected: readonly string[];
  onChange(next: string[]): void;
  errors: FieldErrors;
  field?: string;
  children?: ReactNode;
}) {
  const toggle = (id: string, on: boolean) => onChange(on ? [...selected, id] : selected.filter((s) => s !== id));
  return (
    <fieldset className="targets" id={`${prefix}-${errorId(field)}`} {...fieldProps(prefix, errors, field)}>
      <legend>{legend}</legend>
      {choices.length === 0 && <p className="muted">Nothing to pick on this provider.</p>}
      {choices.map((choice) => (
        <label key={choice.id} className="check">
          <input type="checkbox" value={choice.id} checked={selected.includes(choice.id)} onChange={(e) => toggle(choice.id, e.target.checked)} />
          {choice.label}
        </label>
      ))}
      <FieldError id={`${prefix}-${errorId(field)}-error`} message={errors[field]} />
      {children}
    </fieldset>
  );
}
