import { describe, expect, it } from 'vitest';
import { MUTATION_SCOPES, schema } from '../../src/schema/index.js';

describe('every mutation declares what it does to data', () => {
  it('has a scope for each Mutation field of the schema, and none for anything else', () => {
    const fields = Object.keys(schema.getMutationType()!.getFields()).sort();
    expect(Object.keys(MUTATION_SCOPES).sort()).toEqual(fields);
  });

  it('is backup for creates, syncs, protecting and running a policy now, restore for restores and reverts, delete for deletes and unprotecting (it deletes backups), policy for schedules', () => {
    expect(MUTATION_SCOPES).toEqual({
      createVolumeBackup: 'backup',
      createVmBackup: 'backup',
      createDatabaseBackup: 'backup',
      createVolumeSnapshot: 'backup',
      syncVmBackup: 'backup',
      protectVolume: 'backup',
      restoreBackup: 'restore',
      restoreVmBackup: 'restore',
      revertVolumeToSnapshot: 'restore',
      restoreDatabaseToPointInTime: 'restore',
      deleteBackup: 'delete',
      deleteVmBackup: 'delete',
      deleteSnapshot: 'delete',
      createBackupPolicy: 'policy',
      updateBackupPolicy: 'policy',
      deleteBackupPolicy: 'policy',
      attachBackupPolicy: 'policy',
      detachBackupPolicy: 'policy',
      runBackupPolicy: 'backup',
      unprotectVolume: 'delete',
    });
  });
});
