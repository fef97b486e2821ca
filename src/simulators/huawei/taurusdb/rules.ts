/**
 * What the simulated TaurusDB refuses and how it writes times, read from huawei.md B.0–B.2 and the
 * OTC-TDB error table. The simulator keeps its own rules, apart from the adapter's, so a rule the
 * adapter misreads is caught by a test instead of being misread twice.
 */

export interface DbsRefusal {
  code: string;
  message: string;
}

/** B.0: 32 letters or digits ending `in07`. */
const INSTANCE_ID = /^[A-Za-z0-9]{32}in07$/;
/** B.1: 4-64 characters, a letter first, then letters, digits, `-` and `_`. */
const BACKUP_NAME = /^[A-Za-z][A-Za-z0-9_-]{3,63}$/;
/** B.1: at most 256 characters, none of `! < " = ' > &` and no carriage return. */
const DESCRIPTION = /^[^!<"='>&\r]{0,256}$/;
/** B.2: `yyyy-mm-ddThh:mm:ssZ` where Z stands for an offset written like `+0800`, not a literal Z. */
const OFFSET_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})([+-])(\d{2})(\d{2})$/;

const INVALID_INSTANCE_ID: DbsRefusal = { code: 'DBS.280404', message: 'Invalid DB instance ID or node ID format.' };
const INVALID_NAME: DbsRefusal = { code: 'DBS.280277', message: 'Invalid object name.' };
const INVALID_DESCRIPTION: DbsRefusal = { code: 'DBS.280127', message: 'Invalid backup description.' };

/** The first create-backup rule the body breaks, with the service's code and message. */
export function refuseCreateBackup(instanceId: string, name: string, description: string | null): DbsRefusal | null {
  if (!INSTANCE_ID.test(instanceId)) return INVALID_INSTANCE_ID;
  if (!BACKUP_NAME.test(name)) return INVALID_NAME;
  if (description !== null && !DESCRIPTION.test(description)) return INVALID_DESCRIPTION;
  return null;
}

/** `2020-07-07T01:17:05+0800`: the service's time format, at `offsetMinutes` east of UTC. */
export function serviceTime(epochMs: number, offsetMinutes: number): string {
  const local = new Date(epochMs + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const abs = Math.abs(offsetMinutes);
  return `${local}${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

/** Epoch ms of a query time; `null` when absent, `undefined` when it is not written with an offset. */
export function readQueryTime(value: string | null): number | null | undefined {
  if (value === null) return null;
  const match = OFFSET_TIME.exec(value);
  if (!match) return undefined;
  const [, local, sign, hours, minutes] = match as unknown as [string, string, string, string, string];
  const parsed = Date.parse(`${local}${sign}${hours}:${minutes}`);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
