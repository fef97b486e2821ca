import { useCallback, useEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import type { CombinedError } from 'urql';
import { appendPage, providerFailures, type ProviderFailure } from './rows';

/** One page of a connection as a list shows it. */
export interface Page<Row> {
  rows: Row[];
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface PagedState<Row> extends Page<Row> {
  loading: boolean;
  /** Providers that failed this listing while the others answered. */
  failures: ProviderFailure[];
  /** The listing failed as a whole. */
  error: string | null;
}

function empty<Row>(): PagedState<Row> {
  return { rows: [], endCursor: null, hasNextPage: false, loading: true, failures: [], error: null };
}

/**
 * A list read page by page ("load more" follows the cursor), started again whenever `fetchPage`
 * changes (a new filter). Only the latest request may fill the list: an answer for a filter since
 * changed is dropped.
 */
export function usePaged<Row extends { id: string }>(
  fetchPage: (after: string | null) => Promise<{ page: Page<Row> | null; error?: CombinedError }>,
): { state: PagedState<Row>; loadMore(): void; reload(): void; setState: Dispatch<SetStateAction<PagedState<Row>>> } {
  const [state, setState] = useState<PagedState<Row>>(empty);
  const latest = useRef(0);

  const load = useCallback(
    async (after: string | null) => {
      const ticket = ++latest.current;
      setState((s) => ({ ...s, loading: true }));
      const { page, error } = await fetchPage(after);
      if (ticket !== latest.current) return;
      setState((s) => ({
        rows: page ? (after ? appendPage(s.rows, page.rows) : page.rows) : after ? s.rows : [],
        endCursor: page?.endCursor ?? null,
        hasNextPage: page?.hasNextPage ?? false,
        loading: false,
        failures: providerFailures(error?.graphQLErrors),
        error: !page && error ? error.message : null,
      }));
    },
    [fetchPage],
  );

  useEffect(() => {
    setState(empty());
    void load(null);
  }, [load]);

  return { state, loadMore: () => void load(state.endCursor), reload: () => void load(null), setState };
}

/** The nodes of a connection's edges, the null ones (a provider failed them) left out. */
export function pageOf<Node>(connection: { edges: { node?: Node | null }[]; pageInfo: { endCursor?: string | null; hasNextPage: boolean } } | undefined): Page<Node> | null {
  if (!connection) return null;
  return {
    rows: connection.edges.flatMap((edge) => (edge.node ? [edge.node] : [])),
    endCursor: connection.pageInfo.endCursor ?? null,
    hasNextPage: connection.pageInfo.hasNextPage,
  };
}
