import { useEffect } from 'react';
import { useQuery } from 'urql';
import { ProviderHealthDocument } from '../../../schema/client/graphql.js';
import { providerKindLabel } from '../format';

const RECHECK_MS = 15_000;

/**
 * Each provider's health as the gateway checks it (a cheap upstream request, none while its circuit
 * is open) and its circuit state when not closed, rechecked every few seconds.
 */
export function HealthStrip() {
  const [result, recheck] = useQuery({ query: ProviderHealthDocument, requestPolicy: 'network-only' });
  useEffect(() => {
    const timer = setInterval(() => recheck({ requestPolicy: 'network-only' }), RECHECK_MS);
    return () => clearInterval(timer);
  }, [recheck]);
  const providers = result.data?.providers ?? [];
  return (
    <section className="health" aria-label="Provider health">
      {result.error && !result.data && <span className="notice">Provider health unavailable: {result.error.message}</span>}
      {providers.map((provider) => (
        <span key={provider.id} className={`chip ${provider.healthy ? 'ok' : 'bad'}`} data-provider={provider.name}>
          <span aria-hidden="true">{provider.healthy ? '●' : '▲'}</span> {provider.name} <span className="muted">{providerKindLabel(provider.kind)}</span>{' '}
          {provider.healthy ? 'healthy' : 'not answering'}
          {provider.circuit !== 'CLOSED' && <span className="muted"> · circuit {provider.circuit === 'OPEN' ? 'open' : 'half-open'}</span>}
        </span>
      ))}
    </section>
  );
}
