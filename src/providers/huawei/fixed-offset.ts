/**
 * Huawei policies keep a zone as a fixed `UTC±HH:MM` offset (VBS `time_zone`, CBR `timezone`): the
 * offset in force when the policy was written. Read back, the times are shown in the IANA zone that
 * names that offset.
 */

/** `UTC+08:00`. */
export function fixedOffsetZone(offsetMinutes: number): string {
  const abs = Math.abs(offsetMinutes);
  return `UTC${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Minutes east of UTC of a `UTC±HH:MM` zone; 0 for anything else. */
export function offsetOfFixedZone(zone: string | null | undefined): number {
  const match = /^UTC([+-])(\d{2}):(\d{2})$/.exec(zone ?? '');
  return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
}

/** A whole-hour fixed offset as the IANA zone that names it (Etc/GMT signs are reversed); UTC otherwise. */
export function ianaZoneOf(offsetMinutes: number): string {
  if (offsetMinutes === 0 || offsetMinutes % 60 !== 0) return 'UTC';
  return `Etc/GMT${offsetMinutes > 0 ? '-' : '+'}${Math.abs(offsetMinutes / 60)}`;
}
