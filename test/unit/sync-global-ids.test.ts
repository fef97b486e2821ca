import { isObjectType, type GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/domain/ids.js';
import { schema } from '../../src/schema/index.js';

describe('Node ids', () => {
  const nodeTypes = Object.values(schema.getTypeMap()).filter((type) => isObjectType(type) && type.getInterfaces().some((face) => face.name === 'Node'));

  it('cover every vendor node, the provider and the job', () => {
    expect(nodeTypes.map((type) => type.name).sort()).toEqual(['Backup', 'BackupGroup', 'BackupPolicy', 'BackupStorage', 'DatabaseInstance', 'Job', 'Provider', 'Snapshot', 'Volume']);
  });

  it('resolve synchronously to the relay global id of the type and the local id', () => {
    const record = { providerKey: 'acme/zs', vendorId: '3f2e', key: 'acme/zs', operation: 'createVolumeBackup' };
    // A job's id also names its operation, so that it can be rebuilt from the vendor.
    const localIds: Record<string, string> = { Provider: 'acme/zs', Job: 'acme/zs:3f2e~createVolumeBackup' };
    for (const type of nodeTypes) {
      if (!isObjectType(type)) continue;
      const id = type.getFields().id!.resolve!(record, {}, {}, {} as GraphQLResolveInfo);
      expect(id).toBe(encodeGlobalId(type.name, localIds[type.name] ?? 'acme/zs:3f2e'));
    }
  });
});
