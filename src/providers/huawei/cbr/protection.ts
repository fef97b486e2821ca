import { NotFoundError, ValidationError } from '../../../domain/errors.js';
import type { JobState, ProtectVolumeRequest, StartedJob, UnprotectVolumeRequest } from '../../../domain/provider.js';
import { isUuid } from '../wire-values.js';
import { DISK_RESOURCE, type CbrClient, type CbrVault } from './client.js';
import { bindingJobId, type BindingJob } from './job-ids.js';

/**
 * Binding a disk to a vault (addresources) and unbinding it (removeresources, which deletes the
 * disk's backups in that vault: huawei-cbr.md F.2 ⚠). What CBR would refuse (.6102 wrong vault
 * type, .6103 disk in another vault, a disk the vault does not hold) is refused here with nothing
 * sent; the job follows the vault's resources until the change shows.
 */

const PAGE = 1000;

export async function protectVolume(client: CbrClient, request: ProtectVolumeRequest): Promise<StartedJob> {
  const vault = await vaultOf(client, request.backupStorageId);
  if (vault.billing.object_type !== 'disk') {
    throw new ValidationError('backupStorageId', 'wrong-vault-type', `Vault ${vault.name} holds ${vault.billing.object_type ?? 'other'} resources, not disks`, 'BackupService.6102');
  }
  if (!isUuid(request.volumeId)) throw new NotFoundError(request.volumeId);
  const { vaults: holding } = await client.listVaults({ limit: PAGE, offset: 0, resourceIds: [request.volumeId] });
  const other = holding.find((v) => v.id !== vault.id && v.resources?.some((r) => r.id === request.volumeId));
  if (other) throw new ValidationError('volumeId', 'in-another-vault', `The disk is already in vault ${other.name}; a disk can be in one vault only`, 'BackupService.6103');
  const job = { vaultId: vault.id, volumeId: request.volumeId };
  // Already bound here: nothing to send (a resend of addresources would fail with .6103).
  if (!holding.some((v) => v.id === vault.id)) await client.addResources(vault.id, [{ id: request.volumeId, type: DISK_RESOURCE }]);
  return { vendorJobId: bindingJobId('protect', job), operation: 'protectVolume', resource: { type: 'Volume', vendorId: request.volumeId } };
}

export async function unprotectVolume(client: CbrClient, request: UnprotectVolumeRequest): Promise<StartedJob> {
  const vault = await vaultOf(client, request.backupStorageId);
  if (!isUuid(request.volumeId) || !vault.resources?.some((r) => r.id === request.volumeId)) {
    throw new ValidationError('volumeId', 'not-in-vault', `Vault ${vault.name} does not hold the disk`, 'BackupService.6302');
  }
  await client.removeResources(vault.id, [request.volumeId]);
  return { vendorJobId: bindingJobId('unprotect', { vaultId: vault.id, volumeId: request.volumeId }), operation: 'unprotectVolume', resource: { type: 'Volume', vendorId: request.volumeId } };
}

/** Done when the vault lists the disk as protected (protect) or no longer lists it (unprotect). */
export async function pollBinding(client: CbrClient, kind: 'protect' | 'unprotect', job: BindingJob): Promise<JobState | null> {
  const vault = await client.getVault(job.vaultId);
  if (vault === null) return null;
  const resource = vault.resources?.find((r) => r.id === job.volumeId);
  const done = kind === 'protect' ? resource?.protect_status === 'available' : resource === undefined;
  const failed = resource?.protect_status === 'error';
  return {
    status: done ? 'SUCCEEDED' : failed ? 'FAILED' : 'RUNNING',
    progress: done ? 100 : null,
    error: failed ? { code: 'VENDOR_JOB_FAILED', message: `CBR could not ${kind} the disk`, vendorCode: null } : null,
    resource: { type: 'Volume', vendorId: job.volumeId },
  };
}

async function vaultOf(client: CbrClient, vaultId: string): Promise<CbrVault> {
  const vault = isUuid(vaultId) ? await client.getVault(vaultId) : null;
  if (!vault) throw new NotFoundError(vaultId);
  return vault;
}
