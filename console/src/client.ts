import { createClient as createWsClient } from 'graphql-ws';
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';

/**
 * urql rather than Apollo Client: a few kB, typed documents from codegen work as they are, and its
 * subscriptionExchange hands subscriptions to the graphql-ws client the gateway already speaks.
 * The console keeps its list rows itself (live events merge into them), so the plain document
 * cache is enough; no normalised cache (graphcache) is needed.
 */
export function createConsoleClient(apiKey: string): { client: Client; close(): void } {
  const authorization = `Bearer ${apiKey}`;
  const ws = createWsClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: { authorization },
    retryAttempts: Infinity,
  });
  const client = new Client({
    url: '/graphql',
    preferGetMethod: false,
    fetchOptions: { headers: { authorization } },
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const operation = { ...request, query: request.query ?? '' };
          return { subscribe: (sink) => ({ unsubscribe: ws.subscribe(operation, sink) }) };
        },
      }),
    ],
  });
  return { client, close: () => void ws.dispose() };
}
