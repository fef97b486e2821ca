import type { JobFieldsFragment } from '../../schema/client/graphql.js';

/**
 * What a mutation's answer means for a form: a job to follow, errors to place beside the fields
 * they name (ValidationError.field), or one message for the whole form (vendor, not found, transport).
 */
export type Outcome =
  | { kind: 'job'; job: JobFieldsFragment }
  | { kind: 'invalid'; fields: Record<string, string> }
  | { kind: 'failed'; message: string };

interface ResultLike {
  __typename?: string;
  message?: string;
  field?: string;
  rule?: string;
  vendorCode?: string | null;
  job?: JobFieldsFragment;
}

export function outcomeOf(result: ResultLike | null | undefined, transportError?: { message: string } | null): Outcome {
  if (!result) return { kind: 'failed', message: transportError?.message ?? 'No answer from the gateway' };
  if (result.job) return { kind: 'job', job: result.job };
  if (result.__typename === 'ValidationError' && result.field) {
    const code = result.vendorCode ? ` (${result.vendorCode})` : '';
    return { kind: 'invalid', fields: { [result.field]: `${result.message}${code}` } };
  }
  const code = result.vendorCode ? `${result.vendorCode}: ` : '';
  return { kind: 'failed', message: `${code}${result.message ?? 'The operation was refused'}` };
}

/** Errors about fields a form has no control for (tags, bandwidth …), said once for the whole form; null when none. */
export function elsewhereMessage(fields: Record<string, string>, shown: ReadonlySet<string>): string | null {
  const elsewhere = Object.entries(fields).filter(([field]) => !shown.has(field));
  return elsewhere.length > 0 ? elsewhere.map(([field, message]) => `${field}: ${message}`).join('; ') : null;
}
