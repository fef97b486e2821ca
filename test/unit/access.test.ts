import { parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { assertEveryMutationHasAScope, requiredScopes, scopeOfMutation } from '../../src/providers/access.js';

describe('the scope each operation needs', () => {
  it('maps mutations by name, the restore mutations of issue 9 included', () => {
    const scopes = Object.fromEntries(
      ['createVolumeBackup', 'createVmBackup', 'syncVmBackup', 'restoreBackup', 'restoreVmBackup', 'revertVolumeToSnapshot', 'restoreDatabaseToPointInTime', 'deleteBackup', 'deleteVmBackup'].map((name) => [name, scopeOfMutation(name)]),
    );
    expect(scopes).toEqual({
      createVolumeBackup: 'backup', createVmBackup: 'backup', syncVmBackup: 'backup',
      restoreBackup: 'restore', restoreVmBackup: 'restore', revertVolumeToSnapshot: 'restore', restoreDatabaseToPointInTime: 'restore',
      deleteBackup: 'delete', deleteVmBackup: 'delete',
    });
  });

  it('fails the start for a mutation that no rule covers, rather than leaving it open', () => {
    expect(() => assertEveryMutationHasAScope(['createVolumeBackup', 'purgeEverything', 'creative'])).toThrow(/purgeEverything, creative/);
  });

  it('asks read of queries and subscriptions, and every scope of a mutation with several fields, through fragments', () => {
    const scopesOf = (source: string) => {
      const document = parse(source);
      return requiredScopes(document, document.definitions[0] as OperationDefinitionNode);
    };
    expect(scopesOf('{ providers { name } }')).toEqual(['read']);
    expect(scopesOf('subscription { jobUpdated(id: "x") { id } }')).toEqual(['read']);
    expect(scopesOf('mutation { a: createVolumeBackup(input: {}) { __typename } ...F } fragment F on Mutation { deleteBackup(input: {}) { __typename } }').sort()).toEqual(['backup', 'delete']);
    expect(scopesOf('mutation { __typename }')).toEqual([]);
  });
});
