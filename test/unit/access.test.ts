import { parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { requiredScopes } from '../../src/providers/access.js';

describe('the scope each operation needs', () => {
  it('asks read of queries and subscriptions, and every scope of a mutation with several fields, through fragments', () => {
    const scopesOf = (source: string) => {
      const document = parse(source);
      return requiredScopes(document, document.definitions[0] as OperationDefinitionNode, { createVolumeBackup: 'backup', deleteBackup: 'delete' });
    };
    expect(scopesOf('{ providers { name } }')).toEqual(['read']);
    expect(scopesOf('subscription { jobUpdated(id: "x") { id } }')).toEqual(['read']);
    expect(scopesOf('mutation { a: createVolumeBackup(input: {}) { __typename } ...F } fragment F on Mutation { deleteBackup(input: {}) { __typename } }').sort()).toEqual(['backup', 'delete']);
    expect(scopesOf('mutation { __typename }')).toEqual([]);
    // A mutation with no declared scope is closed to every key, not open.
    expect(scopesOf('mutation { purgeEverything { __typename } }')).toEqual(['undeclared']);
  });
});
