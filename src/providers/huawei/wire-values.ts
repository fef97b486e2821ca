/** Values every Huawei storage service writes the same way (huawei.md A.3, huawei-cbr.md F.3). */

/** EVS, VBS and CBR sizes are whole GB, in the binary sense the block layer uses. */
export const BYTES_PER_GB = 1024 ** 3;

/**
 * Huawei writes UTC times with no zone (`2013-06-27T08:48:03.000000`), with `+00:00` or with `Z`,
 * depending on the service and endpoint; `Z` makes the zone-less ones UTC for every reader and the
 * others pass unchanged, so the microseconds survive.
 */
export function vendorTime(value: string | null | undefined): string | null {
  if (!value) return null;
  return /(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`;
}

export function gbToBytes(size: number | string | null | undefined): number | null {
  if (size === null || size === undefined || size === '') return null;
  const gb = Number(size);
  return Number.isFinite(gb) ? gb * BYTES_PER_GB : null;
}

const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** EVS volumes, VBS and CBR backups, vaults and checkpoints have UUID ids; anything else never reaches a URL. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
