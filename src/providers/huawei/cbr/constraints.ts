import { ValidationError } from '../../../domain/errors.js';
import type { CreateVolumeBackupRequest } from '../../../domain/provider.js';

/**
 * CBR checkpoint rules (huawei-cbr.md F.4), checked before any upstream call; the simulator keeps
 * its own copy, so a rule misread here is caught by a test instead of twice.
 */

const NAME_MAX = 64;
const NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
const DESCRIPTION_MAX = 255;

/** What a CBR create cannot carry, and the name and description rules; throws the first break. */
export function assertValidCheckpointInput(request: CreateVolumeBackupRequest): void {
  if (request.snapshotId !== null) throw new ValidationError('snapshotId', 'unsupported', 'CBR backs up the disk itself, not a snapshot of it');
  if (request.bandwidth !== null) throw new ValidationError('bandwidth', 'unsupported', 'CBR does not limit backup bandwidth');
  if (request.tags.length > 0) throw new ValidationError('tags', 'unsupported', 'CBR backups take no tags');
  const { name, description } = request;
  if (name === '') throw new ValidationError('name', 'required', 'name must not be empty');
  if (name.length > NAME_MAX) throw new ValidationError('name', 'maxLength', `name must be at most ${NAME_MAX} characters`, 'BackupService.9900');
  if (!NAME_PATTERN.test(name)) throw new ValidationError('name', 'pattern', 'name may hold only letters, digits, _ and -', 'BackupService.9900');
  if (description !== null && description.length > DESCRIPTION_MAX) {
    throw new ValidationError('description', 'maxLength', `description must be at most ${DESCRIPTION_MAX} characters`, 'BackupService.9900');
  }
  if (description !== null && /[<>]/.test(description)) {
    throw new ValidationError('description', 'forbiddenCharacters', 'description must not contain < or >', 'BackupService.9900');
  }
}
