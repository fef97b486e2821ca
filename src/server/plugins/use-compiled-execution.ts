import { useGraphQlJit } from '@envelop/graphql-jit';
import type { Plugin } from 'graphql-yoga';

/**
 * Operations run as code compiled once per document by graphql-jit instead of graphql-js walking
 * the document for every request; yoga's parse and validation caches sit in front of it.
 */
export function useCompiledExecution(): Plugin {
  return useGraphQlJit() as Plugin;
}
