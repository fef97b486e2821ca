import { TransportError, VendorError } from '../../../domain/errors.js';
import type { BackupRecord, EarlierAttempt, ProviderKey, StartedJob } from '../../../domain/provider.js';
import { createOnce, lookUpLostCreate, madeBy, type CreateLookup } from '../unconfirmed-creates.js';
import { DISK_RESOURCE, windowTime, type CbrClient, type CbrVault } from './client.js';
import { checkpointJobId } from './job-ids.js';
import { toBackupRecord } from './mapping.js';

/**
 * Checkpoints (huawei-cbr.md F.4), the one way CBR backs anything up: of one disk (createVolumeBackup)
 * or of a whole vault (runBackupPolicy, since CBR has no "run policy now", F.6). CBR takes no client
 * token, so a lost answer is never simply resent: each disk's backup is looked up by disk, name and
 * time (unconfirmed-creates.ts), and only a lookup window that proves it absent sends a checkpoint of
 * that disk once more.
 */

/** A checkpoint as sent (and kept in a lookup job to be sent once more). */
export type CheckpointBody = { vault_id: string; resources: string[]; name: string; description?: string };

/** Rows per backup list request while looking for a lost create's backup. */
const LOOKUP_PAGE = 100;

export class CbrCheckpoints {
  constructor(
    private readonly key: ProviderKey,
    private readonly client: CbrClient,
  ) {}

  /** One checkpoint of one disk. */
  ofDisk(volumeId: string, body: CheckpointBody, earlierAttempt: EarlierAttempt | null | undefined): Promise<StartedJob> {
    return createOnce({
      operation: 'createVolumeBackup',
      sourceId: volumeId,
      name: body.name,
      body,
      earlierAttempt,
      send: async (sent) => {
        const [job] = await this.send(sent, 'createVolumeBackup');
        return job!;
      },
      find: this.findCreated,
    });
  }

  /**
   * One checkpoint of every resource in the vault: a job per resource backed up (a server's follows
   * its server backup). When the answer is lost, each disk is looked up on its own.
   */
  async ofVault(vault: CbrVault, name: string): Promise<StartedJob[]> {
    const resources = vault.resources ?? [];
    if (resources.length === 0) return [];
    const body: CheckpointBody = { vault_id: vault.id, resources: resources.map((r) => r.id), name };
    const sentAtMs = Date.now();
    try {
      return await this.send(body, 'runBackupPolicy');
    } catch (error) {
      if (!(error instanceof TransportError) || !error.maybeSent) throw error;
    }
    const disks = resources.filter((r) => r.type === DISK_RESOURCE).map((r) => r.id);
    return Promise.all(
      disks.map((id) => lookUpLostCreate({ operation: 'runBackupPolicy', sourceId: id, name, body: { vault_id: vault.id, resources: [id], name }, find: this.findCreated }, sentAtMs)),
    );
  }

  /** Sends the checkpoint; a skipped resource (F.4 `skipped_resources`) fails a one-disk create and has no job in a vault's. */
  private async send({ vault_id: vaultId, ...parameters }: CheckpointBody, operation: 'createVolumeBackup' | 'runBackupPolicy'): Promise<StartedJob[]> {
    const sinceSeconds = Math.floor(Date.now() / 1000) - 1;
    const checkpoint = await this.client.createCheckpoint(vaultId, parameters);
    const skipped = checkpoint.vault?.skipped_resources ?? [];
    if (operation === 'createVolumeBackup' && skipped.length > 0) throw new VendorError(this.key, skipped[0]!.code ?? null, 400, skipped[0]!.reason ?? 'CBR skipped the disk');
    return parameters.resources
      .filter((id) => !skipped.some((r) => r.id === id))
      .map((volumeId) => ({ vendorJobId: checkpointJobId({ checkpointId: checkpoint.id, vaultId, volumeId, sinceSeconds }), operation, resource: null }));
  }

  /** What a create whose outcome is unknown is looked up and sent again with (see unconfirmed-creates.ts). */
  readonly lostCreates = {
    find: (lookup: CreateLookup) => this.findCreated(lookup),
    resend: (body: Record<string, unknown>) => {
      const { vault_id: vaultId, ...parameters } = body as unknown as CheckpointBody;
      return this.client.createCheckpoint(vaultId, parameters);
    },
  };

  private readonly findCreated = async (lookup: CreateLookup): Promise<BackupRecord | null> => {
    const backups = await this.client.listBackups({ resourceId: lookup.sourceId, resourceType: DISK_RESOURCE, startTime: windowTime(lookup.sinceMs), limit: LOOKUP_PAGE });
    return backups.map((b) => toBackupRecord(this.key, b)).find((record) => madeBy(record, lookup)) ?? null;
  };
}
