/**
 * What the simulated VBS refuses in a create-backup body, read from huawei.md A.1 (the limits) and
 * A.6 (the codes). The simulator keeps its own table, apart from the adapter's checks, so a rule the
 * adapter misreads is caught by a test instead of being misread twice.
 */

export interface CreateBackupBody {
  volumeId: string;
  name: string;
  description: string | null;
  snapshotId: string | null;
  tags: { key: string; value: string }[];
}

export interface VbsRefusal {
  code: string;
  message: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A.1: letters, digits, `_` and `-`, 1 to 64 of them, not starting with `auto`. */
const NAME_CHARACTERS = /^[A-Za-z0-9_-]*$/;
/** A.1: no ASCII 0-31 and none of `= * < > \ , | /` in a tag key or value. */
const TAG_FORBIDDEN = /[\x00-\x1f=*<>\\,|/]/;

interface Rule {
  code: string;
  message: string;
  breaks(body: CreateBackupBody): boolean;
}

/** In the order the simulator checks them: the disk first, then the name, description and tags. */
const RULES: readonly Rule[] = [
  { code: 'VolumeBackup.0010', message: 'api request parameter volume_id is empty', breaks: (b) => b.volumeId === '' },
  { code: 'VolumeBackup.0011', message: 'api request parameter volume_id is not a valid UUID', breaks: (b) => !UUID.test(b.volumeId) },
  { code: 'VolumeBackup.0002', message: 'api request parameter instance null', breaks: (b) => b.snapshotId !== null && !UUID.test(b.snapshotId) },
  { code: 'VolumeBackup.0007', message: 'api request parameter name is empty', breaks: (b) => b.name === '' },
  { code: 'VolumeBackup.0003', message: 'api request parameter name too long', breaks: (b) => b.name.length > 64 },
  { code: 'VolumeBackup.0004', message: 'api request parameter name has invalid characters', breaks: (b) => !NAME_CHARACTERS.test(b.name) },
  { code: 'VolumeBackup.0005', message: 'api request parameter name invalid prefix', breaks: (b) => b.name.startsWith('auto') },
  {
    code: 'VolumeBackup.0006',
    message: 'api request parameter description invalid',
    breaks: (b) => b.description !== null && (b.description.length > 64 || /[<>]/.test(b.description)),
  },
  {
    code: 'VolumeBackup.0049',
    message: 'api request parameter tags invalid',
    breaks: (b) =>
      b.tags.some((tag) => tag.key === '' || tag.key.length > 36 || tag.value.length > 43 || TAG_FORBIDDEN.test(tag.key) || TAG_FORBIDDEN.test(tag.value)),
  },
];

/** The first rule the body breaks, with VBS's code and message; `null` when it keeps them all. */
export function refuseCreateBackup(body: CreateBackupBody): VbsRefusal | null {
  const broken = RULES.find((rule) => rule.breaks(body));
  return broken ? { code: broken.code, message: broken.message } : null;
}
