import type { PagedState } from '../paged';

/** Under a list: how many rows are shown (or that none match), and "Load more" while the cursor goes on. */
export function ListFooter({ state, onMore, none }: { state: PagedState<unknown>; onMore(): void; none: string }) {
  return (
    <>
      {!state.loading && state.rows.length === 0 && !state.error && <p className="muted">{none}</p>}
      <p aria-live="polite" className="muted">
        {state.loading ? 'Loading…' : `${state.rows.length} shown`}
      </p>
      {state.hasNextPage && (
        <button type="button" disabled={state.loading} onClick={onMore}>
          Load more
        </button>
      )}
    </>
  );
}
