import {
  refuseDisabledRun,
  refuseEmptyRun,
  type AttachBackupPolicyRequest,
  type BackupPolicyRecord,
  type CreateBackupPolicyRequest,
  type RunBackupPolicyRequest,
  type UpdateBackupPolicyRequest,
} from '../../../domain/backup-policy.js';
import { ValidationError, VendorError } from '../../../domain/errors.js';
import type { OffsetPage, Page, ProviderKey, ResourceRef, StartedJob } from '../../../domain/provider.js';
import { isUuid } from '../wire-values.js';
import type { CbrCheckpoints } from './checkpoints.js';
import type { CbrClient, CbrPolicy, CbrPolicyWrite, CbrVault } from './client.js';
import { offsetOfFixedZone } from '../fixed-offset.js';
import { definitionOf, patternsOf, refuseSplitInterval, retentionOf, toPolicyRecord } from './policy-mapping.js';

/**
 * CBR backup policies (huawei-cbr.md F.6) as BackupPolicy records. A policy is bound to vaults, never
 * to disks: its targets are vaults, and the disks it covers are the vaults' resources (F.2). A vault
 * holds one backup policy, so binding a vault that has another is refused (in-another-policy) unless
 * the caller says `move`. CBR has no "run now": a run is a checkpoint of each bound vault (F.4).
 */

/** F.6 / F.2: the policy, and the vault that has no such policy. */
const NO_SUCH_POLICY = 'BackupService.6000';
const NOT_BOUND = 'BackupService.6002';

export class CbrPolicies {
  constructor(
    private readonly key: ProviderKey,
    private readonly client: CbrClient,
    private readonly checkpoints: CbrCheckpoints,
    private readonly allVaults: () => Promise<CbrVault[]>,
  ) {}

  async list(page: OffsetPage): Promise<Page<BackupPolicyRecord>> {
    const all = await this.client.listPolicies();
    return { items: all.slice(page.offset, page.offset + page.limit).map((p) => toPolicyRecord(this.key, p)), total: all.length };
  }

  async get(ids: readonly string[]): Promise<(BackupPolicyRecord | null)[]> {
    if (!ids.some(isUuid)) return ids.map(() => null);
    const all = await this.client.listPolicies();
    return ids.map((id) => {
      const found = all.find((p) => p.id === id);
      return found ? toPolicyRecord(this.key, found) : null;
    });
  }

  /** Creates the policy, then binds its vaults; a failed bind unbinds and deletes it again, so nothing half-made runs. */
  async create(request: CreateBackupPolicyRequest): Promise<BackupPolicyRecord> {
    refuseStorage(request.backupStorageId);
    if (request.wholeVm) throw new ValidationError('wholeVm', 'unsupported-by-provider', 'HUAWEI_CBR backs up what its vaults hold; bind a server vault for whole servers');
    refuseSplitInterval(request.plan);
    const vaultIds = vaultIdsOf(request.targets);
    if (vaultIds.length > 0) refuseTaken(await this.client.listPolicies(), null, vaultIds);
    const created = await this.client.createPolicy({
      name: request.name,
      operation_type: 'backup',
      enabled: request.enabled,
      trigger: { properties: { pattern: patternsOf(request.plan) } },
      operation_definition: definitionOf(request.retention, request.plan.offsetMinutes),
    });
    const bound: string[] = [];
    try {
      for (const vaultId of vaultIds) {
        await this.client.associatePolicy(vaultId, created.id);
        bound.push(vaultId);
      }
    } catch (error) {
      for (const vaultId of bound) await this.client.dissociatePolicy(vaultId, created.id);
      await this.client.deletePolicy(created.id);
      throw error;
    }
    return (await this.read(created.id))!;
  }

  /** The trigger and the definition are written whole (F.6 PUT replaces them): what the input leaves out is read first. */
  async update(request: UpdateBackupPolicyRequest): Promise<BackupPolicyRecord | null> {
    refuseStorage(request.backupStorageId);
    if (request.plan) refuseSplitInterval(request.plan);
    const current = await this.client.getPolicy(request.id);
    if (!current) return null;
    const write: CbrPolicyWrite = {
      ...(request.name !== null ? { name: request.name } : {}),
      ...(request.enabled !== null ? { enabled: request.enabled } : {}),
      ...(request.plan ? { trigger: { properties: { pattern: patternsOf(request.plan) } } } : {}),
      ...(request.plan || request.retention
        ? {
            operation_definition: definitionOf(
              request.retention ?? retentionOf(current.operation_definition),
              request.plan?.offsetMinutes ?? offsetOfFixedZone(current.operation_definition?.timezone),
            ),
          }
        : {}),
    };
    if (Object.keys(write).length === 0) return toPolicyRecord(this.key, current);
    return toPolicyRecord(this.key, await this.client.updatePolicy(request.id, write));
  }

  async remove(id: string): Promise<boolean> {
    return (await orMissing(this.client.deletePolicy(id).then(() => true))) === true;
  }

  async attach(request: AttachBackupPolicyRequest): Promise<BackupPolicyRecord | null> {
    const vaultIds = vaultIdsOf(request.targets);
    const all = await this.client.listPolicies();
    const policy = all.find((p) => p.id === request.policyId);
    if (!policy) return null;
    if (!request.move) refuseTaken(all, policy.id, vaultIds);
    for (const vaultId of vaultIds) {
      const other = all.find((p) => p.id !== policy.id && boundTo(p, vaultId));
      if (other) await this.client.dissociatePolicy(vaultId, other.id);
      if (!boundTo(policy, vaultId)) await this.client.associatePolicy(vaultId, policy.id);
    }
    return this.read(policy.id);
  }

  /** A vault the policy is not bound to is already detached (F.2 `.6002`). */
  async detach(request: AttachBackupPolicyRequest): Promise<BackupPolicyRecord | null> {
    for (const vaultId of vaultIdsOf(request.targets)) {
      try {
        await this.client.dissociatePolicy(vaultId, request.policyId);
      } catch (error) {
        if (error instanceof VendorError && error.vendorCode === NO_SUCH_POLICY) return null;
        if (!(error instanceof VendorError && error.vendorCode === NOT_BOUND)) throw error;
      }
    }
    return this.read(request.policyId);
  }

  /** "Back up now": a checkpoint of each bound vault (F.6 has no run API), one job per resource backed up. */
  async run(request: RunBackupPolicyRequest): Promise<StartedJob[] | null> {
    if (!isUuid(request.policyId)) return null;
    const policy = await this.client.getPolicy(request.policyId);
    if (!policy) return null;
    refuseDisabledRun(toPolicyRecord(this.key, policy));
    const bound = new Set((policy.associated_vaults ?? []).map((v) => v.vault_id));
    refuseEmptyRun(policy.name, bound.size, 'it is bound to no vault; attach one first');
    const vaults = (await this.allVaults()).filter((vault) => bound.has(vault.id));
    const resources = vaults.reduce((sum, vault) => sum + (vault.resources?.length ?? 0), 0);
    refuseEmptyRun(policy.name, resources, 'its vaults hold no resource; protect a disk into one of them first (protectVolume)');
    // F.4 names: letters, digits, _ and -, at most 64.
    const name = `policy_${policy.id.slice(0, 8)}_${Math.floor(Date.now() / 1000)}`;
    return (await Promise.all(vaults.map((vault) => this.checkpoints.ofVault(vault, name)))).flat();
  }

  private async read(id: string): Promise<BackupPolicyRecord | null> {
    const policy = await this.client.getPolicy(id);
    return policy ? toPolicyRecord(this.key, policy) : null;
  }
}

function refuseStorage(backupStorageId: string | null): void {
  if (backupStorageId !== null) {
    throw new ValidationError('backupStorageId', 'unsupported-by-provider', 'HUAWEI_CBR keeps backups in the vault that holds each disk: attach the vault (targetIds) instead');
  }
}

/** Vaults only: a CBR policy covers a disk through the vault that holds it (F.6), never directly. */
function vaultIdsOf(targets: ResourceRef[]): string[] {
  const other = targets.find((target) => target.type !== 'BackupStorage');
  if (other) {
    throw new ValidationError(
      'targetIds',
      'unsupported-by-provider',
      `HUAWEI_CBR binds policies to vaults, not to a ${other.type}: a disk is covered by the policy of the vault that holds it (attach that vault, or protectVolume the disk into a vault with a policy)`,
    );
  }
  return [...new Set(targets.map((target) => target.vendorId))];
}

const boundTo = (policy: CbrPolicy, vaultId: string) => (policy.associated_vaults ?? []).some((v) => v.vault_id === vaultId);

/** F.2: a vault holds one backup policy; CBR would refuse the bind (`.6127`). */
function refuseTaken(all: CbrPolicy[], policyId: string | null, vaultIds: string[]): void {
  for (const vaultId of vaultIds) {
    const other = all.find((p) => p.id !== policyId && boundTo(p, vaultId));
    if (other) {
      throw new ValidationError('targetIds', 'in-another-policy', `vault ${vaultId} is bound to policy ${other.name} (${other.id}); a CBR vault holds one backup policy: pass move: true to move it`, 'BackupService.6127');
    }
  }
}

async function orMissing<T>(call: Promise<T>): Promise<T | false> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof VendorError && error.vendorCode === NO_SUCH_POLICY) return false;
    throw error;
  }
}
