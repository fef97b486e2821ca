import { describe, expect, it } from 'vitest';
import { isVendorJobId, jobLocalId, splitJobLocalId } from '../../src/domain/ids.js';
import { parseConfig } from '../../src/infrastructure/config.js';

describe("a job's id names its provider, the vendor's job id and the operation", () => {
  it('round-trips, and ids made before the operation was in them still parse, naming none', () => {
    const local = jobLocalId('acme/vbs', '4f1c9e0a2b3d4e5f', 'createVolumeBackup');
    expect(local).toBe('acme/vbs:4f1c9e0a2b3d4e5f~createVolumeBackup');
    expect(splitJobLocalId(local)).toEqual({ providerKey: 'acme/vbs', vendorId: '4f1c9e0a2b3d4e5f', operation: 'createVolumeBackup' });
    expect(splitJobLocalId('acme/vbs:4f1c9e0a2b3d4e5f')).toEqual({ providerKey: 'acme/vbs', vendorId: '4f1c9e0a2b3d4e5f', operation: null });
    // The gateway's own made-up job ids keep their colon; only a known operation is split off.
    expect(splitJobLocalId('acme/vbs:delete:abc~deleteBackup')).toEqual({ providerKey: 'acme/vbs', vendorId: 'delete:abc', operation: 'deleteBackup' });
    expect(splitJobLocalId('acme/vbs:abc~dropTables')).toEqual({ providerKey: 'acme/vbs', vendorId: 'abc~dropTables', operation: null });
  });

  it('only vendor job ids are rebuilt from the vendor: never an id the gateway made up', () => {
    expect(isVendorJobId('4f1c9e0a-2b3d-4e5f-8a7b-6c5d4e3f2a1b')).toBe(true);
    expect(isVendorJobId('lookup:eyJzb3VyY2VJZCI6')).toBe(false);
    expect(isVendorJobId('delete:4f1c9e0a')).toBe(false);
    expect(isVendorJobId('x'.repeat(129))).toBe(false);
  });
});

describe('the state directory', () => {
  it('defaults to ./data, so a gateway without Redis keeps its jobs and idempotency records over a restart', () => {
    const config = parseConfig({ tenants: [{ name: 'acme', apiKeys: [{ sha256: 'a'.repeat(64) }], providers: [] }] });
    expect(config.state.dataDir).toBe('./data');
  });
});
