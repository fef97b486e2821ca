import { shortTime } from '../format';

/** An instant in the reader's zone, to the minute; the ISO text on hover; "—" when there is none. */
export function Instant({ iso }: { iso: string | null | undefined }) {
  return (
    <time dateTime={iso ?? undefined} title={iso ?? undefined}>
      {shortTime(iso)}
    </time>
  );
}
