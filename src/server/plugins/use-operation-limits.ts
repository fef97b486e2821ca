import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { Plugin } from 'graphql-yoga';

/** Rejects operations too deep, too wide or too long before they cost any upstream call. */
export function useOperationLimits(limits: { maxDepth: number; maxAliases: number; maxTokens: number }, fieldSuggestions: boolean): Plugin {
  return EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth },
    maxAliases: { n: limits.maxAliases },
    maxTokens: { n: limits.maxTokens },
    costLimit: { maxCost: 20_000 },
    // Suggestions ("did you mean ...") would map the schema for someone who may not introspect it.
    blockFieldSuggestion: { enabled: !fieldSuggestions },
  }) as Plugin;
}
