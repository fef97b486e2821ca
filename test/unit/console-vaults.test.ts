import { describe, expect, it } from 'vitest';
import { providerKindLabel, storageTypeLabel } from '../../console/src/format.js';
import { elsewhere } from '../../console/src/field-errors.js';
import { backupsInVault, vaultChoices, vaultedProviders, vaultHolding, type Disk, type DiskBackup, type Storage } from '../../console/src/vaults.js';

const CBR = { id: 'P-cbr', name: 'cbr', kind: 'HUAWEI_CBR' as const };
const OTHER_CBR = { id: 'P-cbr-2', name: 'cbr-2', kind: 'HUAWEI_CBR' as const };
const ZSTACK = { id: 'P-zs', name: 'zs', kind: 'ZSTACK' as const };

function storage(id: string, provider: Storage['provider'], type: string, volumes: string[] = []): Storage {
  return { id, name: `name-${id}`, type, provider, protectedVolumes: volumes.map((v) => ({ id: v })) };
}
function disk(id: string, provider: Disk['provider']): Disk {
  return { id, name: id, sizeBytes: null, status: null, provider };
}
function backup(id: string, storages: string[], status: DiskBackup['status'] = 'AVAILABLE'): DiskBackup {
  return { id, name: `b-${id}`, status, storageRefs: storages.map((s) => ({ backupStorage: { id: s } })) };
}

describe('console: disks and the vaults that hold them', () => {
  const storages = [storage('V1', CBR, 'CBR_VAULT', ['D1']), storage('V2', CBR, 'CBR_VAULT'), storage('V3', OTHER_CBR, 'CBR_VAULT'), storage('S1', ZSTACK, 'ImageStoreBackupStorage')];

  it('only the disks of vendors with vaults are shown', () => {
    expect(vaultedProviders([ZSTACK, CBR, { id: 'P-vbs', name: 'vbs', kind: 'HUAWEI_VBS' as const }, OTHER_CBR])).toEqual([CBR, OTHER_CBR]);
    expect(vaultedProviders([])).toEqual([]);
  });

  it('a disk is in the vault that lists it, or in none', () => {
    expect(vaultHolding('D1', storages)?.id).toBe('V1');
    expect(vaultHolding('D9', storages)).toBeUndefined();
  });

  it('a disk may go to the CBR vaults of its own provider only', () => {
    expect(vaultChoices(disk('D2', CBR), storages).map((s) => s.id)).toEqual(['V1', 'V2']);
    expect(vaultChoices(disk('D3', OTHER_CBR), storages).map((s) => s.id)).toEqual(['V3']);
  });

  it('leaving a vault deletes the disk\'s backups in that vault, not those elsewhere or already deleted', () => {
    const backups = [backup('1', ['V1']), backup('2', ['V2']), backup('3', ['V1'], 'DELETED'), backup('4', ['V2', 'V1'], 'FAILED')];
    expect(backupsInVault(backups, 'V1').map((b) => b.id)).toEqual(['1', '4']);
    expect(backupsInVault([], 'V1')).toEqual([]);
  });

  it('storage types and provider kinds in words; a type not known here as it is', () => {
    expect(storageTypeLabel('CBR_VAULT')).toBe('CBR vault');
    expect(storageTypeLabel('ImageStoreBackupStorage')).toBe('image store');
    expect(storageTypeLabel('SftpBackupStorage')).toBe('SftpBackupStorage');
    expect(storageTypeLabel(null)).toBe('storage');
    expect(providerKindLabel('HUAWEI_CBR')).toBe('Huawei CBR');
  });

  it('errors about fields a form has no control for are said once for the form', () => {
    const shown = new Set(['volumeId']);
    expect(elsewhere({ volumeId: 'in another vault' }, shown)).toBeNull();
    expect(elsewhere({ volumeId: 'x', tags: 'too many', name: 'bad' }, shown)).toBe('tags: too many; name: bad');
  });
});
