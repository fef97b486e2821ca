import { getOperationAST, type DocumentNode, type ExecutionResult } from 'graphql';

/** What logs, spans and metrics say about an operation: its type, its name, the error codes it ended with. */

export interface OperationFacts {
  type: 'query' | 'mutation' | 'subscription';
  name: string;
}

export function describeOperation(document: DocumentNode, operationName: string | null | undefined): OperationFacts {
  const operation = getOperationAST(document, operationName);
  return { type: operation?.operation ?? 'query', name: operation?.name?.value ?? operationName ?? 'anonymous' };
}

/** `fallback` names errors without a code: validation errors, or what masking left unnamed. */
export function errorCodesOf(result: ExecutionResult, fallback = 'INTERNAL_SERVER_ERROR'): string[] {
  return [...new Set((result.errors ?? []).map((error) => String(error.extensions?.code ?? fallback)))];
}

/** A single result, as opposed to the async iterable a subscription (or @defer) yields. */
export function isSingleResult(result: unknown): result is ExecutionResult {
  return typeof result === 'object' && result !== null && !(Symbol.asyncIterator in result);
}
