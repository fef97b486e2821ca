/** Display rules for backup rows: pure, so unit tests cover them (test/unit/console-format.test.ts). */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** Bytes in binary units, three significant digits at most: 1536 → "1.5 KiB"; unknown → "—". */
export function humanSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${value} B`;
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${Number(value.toFixed(digits))} ${UNITS[unit]}`;
}

/** An instant in the reader's time zone, to the minute; the ISO text stays available on hover. */
export function shortTime(iso: string | null | undefined, locale?: string, timeZone?: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(date);
}

/** A name cut after each separator (- _ . / :), where a line may break: "vm-db-data" → ["vm-", "db-", "data"]. */
export function nameParts(name: string): string[] {
  return name.match(/[^-_./:]*(?:[-_./:]+|$)/g)?.filter((part) => part !== '') ?? [name];
}

export type BadgeTone = 'ok' | 'busy' | 'bad' | 'gone' | 'unknown';

/** One colour per meaning, whatever vendor word lies behind the status. */
export function toneOf(status: string): BadgeTone {
  switch (status) {
    case 'AVAILABLE':
    case 'SUCCEEDED':
    case 'PROTECTED':
      return 'ok';
    case 'CREATING':
    case 'DELETING':
    case 'RESTORING':
    case 'PENDING':
    case 'RUNNING':
    case 'STALE':
      return 'busy';
    case 'FAILED':
    case 'UNPROTECTED':
      return 'bad';
    case 'DELETED':
      return 'gone';
    default:
      return 'unknown';
  }
}

const PROVIDER_KIND_LABELS: Record<string, string> = { ZSTACK: 'ZStack', HUAWEI_VBS: 'Huawei VBS', HUAWEI_TAURUSDB: 'Huawei TaurusDB', HUAWEI_CBR: 'Huawei CBR' };

export function providerKindLabel(kind: string): string {
  return PROVIDER_KIND_LABELS[kind] ?? kind;
}

/** The vendors' storage types in words (the vendor's own word on hover); a type not known here as it is. */
const STORAGE_TYPE_LABELS: Record<string, string> = { CBR_VAULT: 'CBR vault', ImageStoreBackupStorage: 'image store' };

export function storageTypeLabel(type: string | null | undefined): string {
  if (!type) return 'storage';
  return STORAGE_TYPE_LABELS[type] ?? type;
}
