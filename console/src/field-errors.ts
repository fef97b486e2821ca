/**
 * ValidationErrors beside the controls they name: a control marks itself invalid and points at its
 * error (aria-describedby); an error naming a field no control shows is said once for the form.
 */
export type FieldErrors = Record<string, string>;

export function fieldProps(prefix: string, errors: FieldErrors, field: string, hint?: string): { 'aria-invalid': boolean; 'aria-describedby': string | undefined } {
  const ids = [errors[field] ? `${prefix}-${errorId(field)}-error` : '', hint ?? ''].filter(Boolean);
  return { 'aria-invalid': !!errors[field], 'aria-describedby': ids.join(' ') || undefined };
}

/** A field path (`schedule.timesOfDay`) as an element id part. */
export function errorId(field: string): string {
  return field.replace(/\./g, '-');
}

/** The errors naming none of `shown`, as one line for the form. */
export function elsewhere(errors: FieldErrors, shown: ReadonlySet<string>): string | null {
  const rest = Object.entries(errors).filter(([field]) => !shown.has(field));
  return rest.length > 0 ? rest.map(([field, message]) => `${field}: ${message}`).join('; ') : null;
}
