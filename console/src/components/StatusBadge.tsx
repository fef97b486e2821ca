import { toneOf } from '../format';

/** The unified status as a coloured badge; the vendor's own word on hover (and for screen readers). */
export function StatusBadge({ status, vendorStatus }: { status: string; vendorStatus?: string }) {
  const title = vendorStatus ? `vendor status: ${vendorStatus}` : undefined;
  return (
    <span className={`badge ${toneOf(status)}`} title={title} aria-label={vendorStatus ? `${status} (vendor: ${vendorStatus})` : status} data-status={status}>
      {status}
    </span>
  );
}
