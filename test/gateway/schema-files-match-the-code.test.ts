import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { printClientSchema, printSubgraphSdl } from '../../src/schema/index.js';

const run = promisify(execFile);
const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('committed schema artifacts are what the code prints', () => {
  it('schema/schema.graphql is the sorted SDL of the Pothos schema (run `npm run schema` after a change)', () => {
    expect(read('schema/schema.graphql')).toBe(printClientSchema() + '\n');
  });

  it('schema/subgraph.graphql is the federation SDL of the Pothos schema', () => {
    expect(read('schema/subgraph.graphql')).toBe(printSubgraphSdl() + '\n');
  });

  it('the typed documents in schema/client are up to date (run `npm run codegen`)', async () => {
    const result = await run('npx', ['graphql-codegen', '--config', 'codegen.ts', '--check'], {
      cwd: new URL('../..', import.meta.url),
      env: { ...process.env, CI: 'true' },
    }).then(
      () => 0,
      (error: { code?: number }) => error.code ?? 1,
    );
    expect(result).toBe(0);
  }, 60_000);

  it('keeps every name of the public contract', () => {
    const sdl = printClientSchema();
    for (const name of [
      'type Volume implements Node',
      'type Snapshot implements Node',
      'type Backup implements Node',
      'type BackupGroup implements Node',
      'type BackupStorage implements Node',
      'type BackupStorageRef',
      'type Job implements Node',
      'type DatabaseInstance implements Node',
      'union BackupSource = DatabaseInstance | Volume',
      'union CreateVolumeBackupResult = CreateVolumeBackupSuccess | NotFoundError | ValidationError | VendorError',
      'union CreateVmBackupResult = CreateVmBackupSuccess | NotFoundError | ValidationError | VendorError',
      'createVolumeBackup(input: CreateVolumeBackupInput!): CreateVolumeBackupResult!',
      'deleteVmBackup(input: DeleteVmBackupInput!): DeleteVmBackupResult!',
      'syncVmBackup(input: SyncVmBackupInput!): SyncVmBackupResult!',
      'backups(after: String, filter: BackupFilter, first: Int): BackupConnection!',
      'job(id: ID!): Job',
      'nodes(ids: [ID!]!): [Node]!',
    ]) {
      expect(sdl).toContain(name);
    }
  });
});
