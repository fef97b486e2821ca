import { useResponseCache as useYogaResponseCache } from '@graphql-yoga/plugin-response-cache';
import type { Plugin } from 'graphql-yoga';
import { operationOf } from '../../providers/access.js';
import type { GatewayContext } from '../../schema/context.js';
import type { ResponseCache } from '../response-cache.js';
import type { RequestServerContext } from '../yoga.js';

/**
 * Queries of tenants that enable `responseCache` are answered from `cache` while the answer lives
 * (The Guild's response-cache plugin: it keeps only answers without errors, never mutations or
 * subscriptions, and drops the entities a mutation returns). A finished mutation of the tenant,
 * over any transport, drops all the tenant's answers: it may add to or take from any list.
 *
 * A hit answers before validation, scopes, cost and rate limits run: the answer was made under the
 * same scopes by the same operation and spends nothing upstream. Operations over WebSocket are never
 * served from it (they have no HTTP request to key).
 *
 * Placed after the trusted documents (the key needs the document they resolve) and after compiled
 * execution (the plugin wraps the execute function that runs).
 */
export function useResponseCache(cache: ResponseCache): Plugin<GatewayContext> {
  type Context = Partial<RequestServerContext & GatewayContext>;
  const enabled = (request: Request | undefined, context: Context) => request !== undefined && cache.enabledFor(context.principal);
  return {
    onPluginInit({ addPlugin }) {
      if (!cache.enabled) return;
      addPlugin(
        useYogaResponseCache<Context>({
          cache: cache.store,
          enabled,
          session: (_request, context) => context.principal?.tenant.name ?? null,
          buildResponseCacheKey: ({ documentString, operationName, variableValues, context }) => {
            const principal = (context as Context).principal;
            // Without a document or a principal there is nothing to share: a key that nothing else has.
            if (!documentString || !cache.enabledFor(principal)) return `-:${crypto.randomUUID()}`;
            return cache.keyOf(principal, documentString, operationName, variableValues);
          },
        }) as Plugin<GatewayContext>,
      );
    },
    onExecute({ args }) {
      const { principal } = args.contextValue;
      if (!cache.enabledFor(principal) || operationOf(args.document, args.operationName)?.operation !== 'mutation') return;
      return { onExecuteDone: () => cache.invalidateTenant(principal.tenant.name) };
    },
  };
}
