import { useGraphQlJit } from '@envelop/graphql-jit';
import type { Plugin } from 'graphql-yoga';

/**
 * Queries and mutations run as code compiled once per document by graphql-jit instead of graphql-js
 * walking the document for every request; yoga's parse and validation caches sit in front of it.
 *
 * Subscriptions are left to graphql-js (use-shared-subscription-results): graphql-jit's subscribe
 * hands the operation's variables to the field's subscriber as its arguments, so an argument
 * written as a literal, nested in an input object or bound to a variable of another name arrives
 * empty (graphql-jit issue 183, envelop issue 2008), and it looks the field's resolve info up by
 * field name, so an aliased subscription field fails ("resolveInfos[…] is not a function"). A
 * subscription is compiled once and then runs per event, where use-shared-subscription-results
 * already executes each event once for every subscriber of the same operation.
 */
export function useCompiledExecution(): Plugin {
  const { onExecute } = useGraphQlJit() as Plugin;
  return { onExecute };
}
