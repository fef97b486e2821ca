import { ValidationError } from '../../../domain/errors.js';

/**
 * TaurusDB's own input rules (huawei.md B.0/B.1), checked by the adapter before any upstream call. The
 * simulator keeps its own copy of the vendor's rules, so a test catches a rule this file misreads.
 */

/** Instance ids: 32 letters or digits, then `in07` (HW-TDB CreateGaussMySqlBackup). */
const INSTANCE_ID = /^[A-Za-z0-9]{32}in07$/;
/**
 * Backup ids: Huawei's docs show 32 letters/digits + `br07`; OTC shows `br01` and, in one example, a
 * UUID. All three are accepted: none of them can carry a path separator or a query into a URL.
 */
const BACKUP_ID = /^(?:[A-Za-z0-9]{32}br\d{2}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;
/** Job ids are UUIDs (HW-TDB ShowGaussMySqlJobInfo). */
const JOB_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;
const NAME_MIN = 4;
const NAME_MAX = 64;
const DESCRIPTION_MAX = 256;
/** HW-TDB: none of `! < " = ' > &`, and no carriage return. */
const DESCRIPTION_FORBIDDEN = /[!<"='>&\r]/;

/** The vendor's codes (OTC-TDB appendix/error_codes). */
const VENDOR_RULES = {
  invalidName: { code: 'DBS.280277' },
  invalidDescription: { code: 'DBS.280127' },
  invalidInstanceId: { code: 'DBS.280404' },
} as const;

export function isInstanceId(value: string): boolean {
  return INSTANCE_ID.test(value);
}

export function isBackupId(value: string): boolean {
  return BACKUP_ID.test(value);
}

export function isJobId(value: string): boolean {
  return JOB_ID.test(value);
}

export interface CreateBackupInput {
  instanceId: string;
  name: string;
  description: string | null;
}

/** The first rule `input` breaks, or `null`; fields are named as the port names them. */
export function createBackupViolation(input: CreateBackupInput): ValidationError | null {
  if (!isInstanceId(input.instanceId)) {
    return violation('instanceId', 'format', 'must be 32 letters or digits followed by "in07"', VENDOR_RULES.invalidInstanceId.code);
  }
  const { name, description } = input;
  if (name.length < NAME_MIN || name.length > NAME_MAX) {
    return violation('name', 'length', `must be ${NAME_MIN} to ${NAME_MAX} characters long`, VENDOR_RULES.invalidName.code);
  }
  if (!NAME_PATTERN.test(name)) {
    return violation(
      'name',
      'pattern',
      'must start with a letter and contain only letters, digits, hyphens and underscores',
      VENDOR_RULES.invalidName.code,
    );
  }
  if (description !== null && description.length > DESCRIPTION_MAX) {
    return violation('description', 'length', `must be at most ${DESCRIPTION_MAX} characters long`, VENDOR_RULES.invalidDescription.code);
  }
  if (description !== null && DESCRIPTION_FORBIDDEN.test(description)) {
    return violation(
      'description',
      'forbiddenCharacters',
      'must not contain ! < " = \' > & or a carriage return',
      VENDOR_RULES.invalidDescription.code,
    );
  }
  return null;
}

function violation(field: string, rule: string, message: string, vendorCode: string): ValidationError {
  return new ValidationError(field, rule, `${field} ${message}`, vendorCode);
}
