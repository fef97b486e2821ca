import { ValidationError } from '../../../domain/errors.js';
import { isUuid } from '../wire-values.js';

/**
 * VBS create-backup rules (huawei.md A.1, codes from A.6), checked before any upstream call. The
 * simulator keeps its own copy of the vendor's rules, so a test catches a rule this file misreads.
 */

export interface VbsRuleBreak {
  field: string;
  rule: string;
  message: string;
  vendorCode: string;
}

export interface VbsBackupInput {
  volumeId: string;
  name: string;
  description: string | null;
  snapshotId: string | null;
  tags: { key: string; value: string }[];
}

const NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
const NAME_MAX = 64;
const DESCRIPTION_MAX = 64;
const TAG_KEY_MAX = 36;
const TAG_VALUE_MAX = 43;
// The notes give 10 per resource for Huawei's backup services (VolumeBackup.0050 past it).
const TAGS_MAX = 10;
// ASCII 0-31 and = * < > \ , | /
const TAG_FORBIDDEN = /[\u0000-\u001f=*<>\\,|/]/;

export { isUuid };

/** The first rule `input` breaks, in the order the vendor checks them; `null` when it keeps them all. */
function findBackupRuleBreak(input: VbsBackupInput): VbsRuleBreak | null {
  return volumeIdBreak(input.volumeId) ?? snapshotIdBreak(input.snapshotId) ?? nameBreak(input.name) ?? descriptionBreak(input.description) ?? tagsBreak(input.tags);
}

/** Throws the ValidationError for the first broken rule. */
export function assertValidBackupInput(input: VbsBackupInput): void {
  const broken = findBackupRuleBreak(input);
  if (broken) throw new ValidationError(broken.field, broken.rule, broken.message, broken.vendorCode);
}

function volumeIdBreak(volumeId: string): VbsRuleBreak | null {
  if (volumeId === '') return { field: 'volumeId', rule: 'required', message: 'volume_id must not be empty', vendorCode: 'VolumeBackup.0010' };
  if (!isUuid(volumeId)) return { field: 'volumeId', rule: 'format', message: 'volume_id must be a UUID', vendorCode: 'VolumeBackup.0011' };
  return null;
}

function snapshotIdBreak(snapshotId: string | null): VbsRuleBreak | null {
  if (snapshotId === null || isUuid(snapshotId)) return null;
  return { field: 'snapshotId', rule: 'format', message: 'snapshot_id must be a UUID', vendorCode: 'VolumeBackup.0002' };
}

function nameBreak(name: string): VbsRuleBreak | null {
  if (name === '') return { field: 'name', rule: 'required', message: 'name must not be empty', vendorCode: 'VolumeBackup.0007' };
  if (name.length > NAME_MAX) {
    return { field: 'name', rule: 'maxLength', message: `name must be at most ${NAME_MAX} characters`, vendorCode: 'VolumeBackup.0003' };
  }
  if (!NAME_PATTERN.test(name)) {
    return { field: 'name', rule: 'pattern', message: 'name may hold only letters, digits, _ and -', vendorCode: 'VolumeBackup.0004' };
  }
  if (name.startsWith('auto')) {
    // The vendor reserves the prefix for its automatic backups (autobk_*).
    return { field: 'name', rule: 'reservedPrefix', message: 'name must not start with "auto"', vendorCode: 'VolumeBackup.0005' };
  }
  return null;
}

function descriptionBreak(description: string | null): VbsRuleBreak | null {
  if (description === null) return null;
  if (description.length > DESCRIPTION_MAX) {
    return { field: 'description', rule: 'maxLength', message: `description must be at most ${DESCRIPTION_MAX} characters`, vendorCode: 'VolumeBackup.0006' };
  }
  if (/[<>]/.test(description)) {
    return { field: 'description', rule: 'forbiddenCharacters', message: 'description must not contain < or >', vendorCode: 'VolumeBackup.0006' };
  }
  return null;
}

function tagsBreak(tags: { key: string; value: string }[]): VbsRuleBreak | null {
  if (tags.length > TAGS_MAX) return { field: 'tags', rule: 'maxItems', message: `at most ${TAGS_MAX} tags`, vendorCode: 'VolumeBackup.0050' };
  for (const [index, tag] of tags.entries()) {
    const field = `tags[${index}]`;
    if (tag.key === '' || tag.key.length > TAG_KEY_MAX) {
      return { field: `${field}.key`, rule: 'length', message: `tag key must be 1 to ${TAG_KEY_MAX} characters`, vendorCode: 'VolumeBackup.0049' };
    }
    if (tag.value.length > TAG_VALUE_MAX) {
      return { field: `${field}.value`, rule: 'maxLength', message: `tag value must be at most ${TAG_VALUE_MAX} characters`, vendorCode: 'VolumeBackup.0049' };
    }
    for (const part of ['key', 'value'] as const) {
      if (TAG_FORBIDDEN.test(tag[part])) {
        return {
          field: `${field}.${part}`,
          rule: 'forbiddenCharacters',
          message: `tag ${part} must not contain control characters or any of = * < > \\ , | /`,
          vendorCode: 'VolumeBackup.0049',
        };
      }
    }
  }
  return null;
}
