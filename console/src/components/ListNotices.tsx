import type { ProviderFailure } from '../rows';

/** Above a list: each provider that failed it (the others' rows still shown), or why the whole list failed. */
export function ListNotices({ failures, error, what }: { failures: readonly ProviderFailure[]; error: string | null; what: string }) {
  return (
    <>
      {failures.map((failure) => (
        <p key={failure.provider} className="notice" role="status" data-failed-provider={failure.provider}>
          <strong>{failure.provider}</strong> is not answering ({failure.code}): its {what} are missing below; the other providers' are shown.
          <span className="muted"> {failure.message}</span>
        </p>
      ))}
      {error && (
        <p className="notice" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
