import { Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { SCOPES } from '../infrastructure/config.js';
import type { Tenant } from './tenancy.js';

/**
 * Who is asking: the tenant an API key opens, the key's label (the audit log's name for it; the
 * key itself is kept nowhere) and what it may do. Every request and socket carries one.
 */

export type Scope = (typeof SCOPES)[number];

export interface Principal {
  tenant: Tenant;
  /** The key's sha256: names it in per-key limits and lets rotation find its sockets. */
  keyHash: string;
  label: string;
  scopes: ReadonlySet<Scope>;
  federationRouter: boolean;
}

export const ALL_SCOPES: ReadonlySet<Scope> = new Set(SCOPES);

/** The operation a request runs: the named one, or the only one. */
export function operationOf(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | null {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((o) => o.name?.value === operationName) ?? null;
  return operations.length === 1 ? operations[0]! : null;
}

/**
 * Root fields of an operation, through fragments. Every root field is counted whatever its
 * directives say: a `@skip` cannot lower what an operation needs.
 */
export function rootFieldsOf(document: DocumentNode, operation: OperationDefinitionNode): string[] {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const names: string[] = [];
  const seen = new Set<string>();
  const visit = (selections: OperationDefinitionNode['selectionSet']['selections']): void => {
    for (const selection of selections) {
      if (selection.kind === Kind.FIELD) names.push(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet.selections);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) visit(fragment.selectionSet.selections);
      }
    }
  };
  visit(operation.selectionSet.selections);
  return names;
}

/**
 * The scopes an operation needs: `read` for queries and subscriptions, each mutation's own
 * otherwise (the schema declares it with the mutation: schema/job-mutation.ts).
 */
export function requiredScopes(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  mutationScopes: Readonly<Record<string, Scope>>,
): Scope[] {
  if (operation.operation !== 'mutation') return ['read'];
  const fields = rootFieldsOf(document, operation).filter((name) => name !== '__typename');
  // A mutation of no declared scope needs one no key has: closed, not open.
  return [...new Set(fields.map((name) => mutationScopes[name] ?? ('undeclared' as Scope)))];
}
