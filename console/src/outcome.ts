import type { JobFieldsFragment } from '../../schema/client/graphql.js';

/**
 * What a mutation's answer means for a form: a job to follow, errors to place beside the fields
 * they name (ValidationError.field, with its rule), or one message for the whole form (vendor, not
 * found, transport).
 */
export type Refusal = { kind: 'invalid'; fields: Record<string, string>; rules: Record<string, string> } | { kind: 'failed'; message: string };

export type Outcome = { kind: 'job'; job: JobFieldsFragment } | Refusal;

interface ResultLike {
  __typename?: string;
  message?: string;
  field?: string;
  rule?: string;
  vendorCode?: string | null;
  job?: JobFieldsFragment;
}

/** Why the mutation did nothing, or null when its answer is a success (`…Success`). */
export function refusalOf(result: ResultLike | null | undefined, transportError?: { message: string } | null): Refusal | null {
  if (!result) return { kind: 'failed', message: transportError?.message ?? 'No answer from the gateway' };
  if (result.__typename?.endsWith('Success')) return null;
  if (result.__typename === 'ValidationError' && result.field) {
    const code = result.vendorCode ? ` (${result.vendorCode})` : '';
    return { kind: 'invalid', fields: { [result.field]: `${result.message}${code}` }, rules: { [result.field]: result.rule ?? '' } };
  }
  const code = result.vendorCode ? `${result.vendorCode}: ` : '';
  return { kind: 'failed', message: `${code}${result.message ?? 'The operation was refused'}` };
}

export function outcomeOf(result: ResultLike | null | undefined, transportError?: { message: string } | null): Outcome {
  if (result?.job) return { kind: 'job', job: result.job };
  return refusalOf(result, transportError) ?? { kind: 'failed', message: 'The answer held no job' };
}
