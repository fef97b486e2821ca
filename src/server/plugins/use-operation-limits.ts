import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Rejects operations too deep, too wide or too long before they cost any upstream call. The
 * refusals carry a code (DEPTH_LIMIT ...) and say what the limit is, in place of graphql-armor's
 * own messages, which all begin with a misleading "Syntax Error:". What an operation costs
 * upstream is counted by use-query-cost.ts, with its variables.
 */
export function useOperationLimits(limits: { maxDepth: number; maxAliases: number; maxTokens: number }): Plugin {
  const refuse = (code: string, message: string) => (context: ValidationContext | null) => {
    const error = new GraphQLError(message, { extensions: { code } });
    // Token counting runs inside the parser, which has no validation context to report to.
    if (!context) throw error;
    context.reportError(error);
  };
  return EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, propagateOnRejection: false, onReject: [refuse('DEPTH_LIMIT', `The operation is nested deeper than ${limits.maxDepth} levels`)] },
    maxAliases: { n: limits.maxAliases, propagateOnRejection: false, onReject: [refuse('ALIAS_LIMIT', `The operation uses more than ${limits.maxAliases} aliases`)] },
    maxTokens: { n: limits.maxTokens, propagateOnRejection: false, onReject: [refuse('TOKEN_LIMIT', `The operation is longer than ${limits.maxTokens} tokens`)] },
    maxDirectives: { n: 50, propagateOnRejection: false, onReject: [refuse('DIRECTIVE_LIMIT', 'The operation uses more than 50 directives')] },
    costLimit: { enabled: false },
    // Suggestions are use-suggestion-policy.ts's: armor's masking misses enum values.
    blockFieldSuggestion: { enabled: false },
  }) as Plugin;
}
