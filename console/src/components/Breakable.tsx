import { Fragment } from 'react';
import { nameParts } from '../format';

/** A name that may wrap after its separators (`vm-db-nightly-vm-db-data`), never inside a word. */
export function Breakable({ text }: { text: string }) {
  return (
    <>
      {nameParts(text).map((part, index) => (
        <Fragment key={index}>
          {index > 0 && <wbr />}
          <span>{part}</span>
        </Fragment>
      ))}
    </>
  );
}
