import { describe, expect, it } from 'vitest';
import type { VbsBackup } from '../../src/providers/huawei/vbs/client.js';
import { backupStatus, snapshotStatus, toBackupRecord, toJobState } from '../../src/providers/huawei/vbs/mapping.js';
import { gbToBytes, vendorTime } from '../../src/providers/huawei/wire-values.js';

describe('VBS status mapping', () => {
  it.each([
    ['available', 'AVAILABLE'],
    ['creating', 'CREATING'],
    ['error', 'FAILED'],
    ['deleting', 'DELETING'],
    ['restoring', 'RESTORING'],
    // A failed restore leaves the backup intact and restorable.
    ['error_restoring', 'AVAILABLE'],
    ['something-new', 'UNKNOWN'],
  ])('maps backup status %s to %s', (vendor, mapped) => {
    expect(backupStatus(vendor)).toBe(mapped);
  });

  it.each([
    ['creating', 'CREATING'],
    ['available', 'READY'],
    ['backing-up', 'READY'],
    ['rollbacking', 'READY'],
    ['error', 'FAILED'],
    ['error_deleting', 'FAILED'],
    ['deleting', 'DELETING'],
    ['other', 'UNKNOWN'],
  ])('maps snapshot status %s to %s', (vendor, mapped) => {
    expect(snapshotStatus(vendor)).toBe(mapped);
  });

  it.each([
    ['INIT', 'PENDING'],
    ['RUNNING', 'RUNNING'],
    ['SUCCESS', 'SUCCEEDED'],
    ['FAIL', 'FAILED'],
  ])('maps job status %s to %s', (vendor, mapped) => {
    expect(toJobState({ job_id: 'j', status: vendor }).status).toBe(mapped);
  });

  it('reads zone-less vendor times as UTC and leaves zoned ones alone', () => {
    expect(vendorTime('2013-06-27T08:48:03.000000')).toBe('2013-06-27T08:48:03.000000Z');
    expect(Date.parse(vendorTime('2013-06-27T08:48:03.000000')!)).toBe(Date.UTC(2013, 5, 27, 8, 48, 3));
    expect(vendorTime('2016-01-28T16:14:09.466Z')).toBe('2016-01-28T16:14:09.466Z');
    expect(vendorTime(null)).toBeNull();
  });

  it('converts GB sizes to bytes, numbers or numeric strings', () => {
    expect(gbToBytes(10)).toBe(10 * 1024 ** 3);
    expect(gbToBytes('2')).toBe(2 * 1024 ** 3);
    expect(gbToBytes(null)).toBeNull();
  });

  it('stamps the provider key and keeps the vendor status and failure reason', () => {
    const backup: VbsBackup = {
      id: '3c1f0b6e-1111-4222-8333-444455556666',
      name: null,
      status: 'error',
      description: null,
      volume_id: '7d2e1c0b-1111-4222-8333-444455556666',
      snapshot_id: null,
      size: 1,
      fail_reason: 'out of space',
      created_at: '2026-01-01T00:00:00.000001',
      updated_at: '2026-01-01T00:05:00.000000',
    };
    expect(toBackupRecord('acme/hw', backup)).toMatchObject({
      providerKey: 'acme/hw',
      vendorId: backup.id,
      kind: 'VOLUME',
      name: '',
      status: 'FAILED',
      vendorStatus: 'error',
      sizeBytes: 1024 ** 3,
      source: { type: 'Volume', vendorId: backup.volume_id },
      createdAt: '2026-01-01T00:00:00.000001Z',
      completedAt: null,
      failureReason: 'out of space',
    });
  });

  it('reports the job error with the vendor code and the made backup', () => {
    expect(toJobState({ job_id: 'j', status: 'FAIL', error_code: 'VolumeBackup.0064', fail_reason: 'disk busy', entities: { backup_id: 'b' } })).toEqual({
      status: 'FAILED',
      progress: null,
      error: { code: 'VENDOR_JOB_FAILED', message: 'disk busy', vendorCode: 'VolumeBackup.0064' },
      resource: { type: 'Backup', vendorId: 'b' },
    });
  });
});
