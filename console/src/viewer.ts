import { createContext, useContext } from 'react';
import type { Scope } from '../../schema/client/graphql.js';

/**
 * What the console's API key may do (Query.viewer). Until the answer arrives nothing is offered
 * that needs more than reading: a button shown and then refused with FORBIDDEN helps nobody.
 */
export const ScopesContext = createContext<ReadonlySet<Scope>>(new Set());

export function useCan(scope: Scope): boolean {
  return useContext(ScopesContext).has(scope);
}
