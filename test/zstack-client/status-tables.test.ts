import { describe, expect, it } from 'vitest';
import {
  BACKUP_STATUS_TABLE,
  backupStatusOf,
  groupStatusOf,
  SNAPSHOT_STATUS_TABLE,
  snapshotStatusOf,
  vendorBackupStatusesFor,
} from '../../src/providers/zstack/mapping.js';

describe('ZStack status tables', () => {
  it('maps every VolumeBackupStatus seen in ZStack', () => {
    expect(backupStatusOf('Creating')).toBe('CREATING');
    expect(backupStatusOf('Ready')).toBe('AVAILABLE');
    expect(backupStatusOf('Deleted')).toBe('DELETED');
    expect(backupStatusOf('Downloading')).toBe('RESTORING');
    expect(Object.keys(BACKUP_STATUS_TABLE).sort()).toEqual(['Creating', 'Deleted', 'Downloading', 'Ready']);
  });

  it('maps every VolumeSnapshotStatus', () => {
    expect(snapshotStatusOf('Creating')).toBe('CREATING');
    expect(snapshotStatusOf('Ready')).toBe('READY');
    expect(snapshotStatusOf('Deleting')).toBe('DELETING');
    expect(snapshotStatusOf('Deleted')).toBe('DELETED');
    expect(Object.keys(SNAPSHOT_STATUS_TABLE).sort()).toEqual(['Creating', 'Deleted', 'Deleting', 'Ready']);
  });

  it('maps statuses it does not know, absent ones and prototype names to UNKNOWN', () => {
    for (const vendorStatus of ['Failed', 'ready', '', undefined, 'constructor', 'toString']) {
      expect(backupStatusOf(vendorStatus)).toBe('UNKNOWN');
      expect(snapshotStatusOf(vendorStatus)).toBe('UNKNOWN');
    }
  });

  it('inverts the backup table for status conditions', () => {
    expect(vendorBackupStatusesFor('AVAILABLE')).toEqual(['Ready']);
    expect(vendorBackupStatusesFor('RESTORING')).toEqual(['Downloading']);
    expect(vendorBackupStatusesFor('FAILED')).toEqual([]);
    expect(vendorBackupStatusesFor('DELETING')).toEqual([]);
  });

  it('derives a group status from its members', () => {
    expect(groupStatusOf([])).toBe('UNKNOWN');
    expect(groupStatusOf(['AVAILABLE', 'AVAILABLE'])).toBe('AVAILABLE');
    expect(groupStatusOf(['AVAILABLE', 'CREATING'])).toBe('CREATING');
    expect(groupStatusOf(['DELETED', 'DELETED'])).toBe('DELETED');
    expect(groupStatusOf(['AVAILABLE', 'DELETED'])).toBe('UNKNOWN');
    expect(groupStatusOf(['AVAILABLE', 'RESTORING'])).toBe('RESTORING');
    expect(groupStatusOf(['DELETING', 'FAILED', 'CREATING'])).toBe('CREATING');
    expect(groupStatusOf(['DELETING', 'FAILED'])).toBe('FAILED');
  });
});
