import type { SelectHTMLAttributes } from 'react';
import { useQuery } from 'urql';
import { ProviderHealthDocument } from '../../../schema/client/graphql.js';

/** The tenant's providers to pick from; `none` labels the empty choice ("All", "Choose…"). */
export function ProviderSelect({ none, ...select }: { none: string; value: string } & SelectHTMLAttributes<HTMLSelectElement>) {
  // The health strip's query: the document cache answers it without another request.
  const [{ data }] = useQuery({ query: ProviderHealthDocument });
  return (
    <select {...select}>
      <option value="">{none}</option>
      {data?.providers.map((p) => (
        <option key={p.id} value={p.id}>
          {p.name}
        </option>
      ))}
    </select>
  );
}
