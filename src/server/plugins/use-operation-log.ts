import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { upstreamCallsSoFar, type Logger } from '../../infrastructure/logger.js';
import { describeOperation, errorCodesOf, isSingleResult, type OperationFacts } from '../operation-facts.js';

/**
 * One info line per operation, when it ends (a subscription when it closes): tenant, key label,
 * operation name and type, duration, upstream calls made for it, error codes. The request id comes
 * with every line (logger mixin). Operations refused at validation get their line too.
 */

interface LoggedContext {
  tenant?: { name: string };
  principal?: { label: string };
}

export function useOperationLog(log: Logger): Plugin {
  const line = (facts: OperationFacts, contextValue: LoggedContext | undefined, startedAt: number, errorCodes: string[]) => {
    log.info(
      {
        tenant: contextValue?.tenant?.name,
        keyLabel: contextValue?.principal?.label,
        operationName: facts.name,
        operationType: facts.type,
        durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
        upstreamCalls: upstreamCallsSoFar(),
        errorCodes,
      },
      'operation',
    );
  };
  return {
    onValidate({ params }) {
      const startedAt = performance.now();
      return ({ valid, result }) => {
        if (!valid) line(describeOperation(params.documentAST, undefined), undefined, startedAt, errorCodesOf({ errors: result as GraphQLError[] }, 'GRAPHQL_VALIDATION_FAILED'));
      };
    },
    onExecute({ args }) {
      const startedAt = performance.now();
      const facts = describeOperation(args.document, args.operationName);
      return {
        onExecuteDone({ result }) {
          line(facts, args.contextValue as LoggedContext, startedAt, isSingleResult(result) ? errorCodesOf(result) : []);
        },
      };
    },
    onSubscribe({ args }) {
      const startedAt = performance.now();
      const facts = describeOperation(args.document, args.operationName);
      const contextValue = args.contextValue as LoggedContext;
      return {
        onSubscribeResult({ result }) {
          if (isSingleResult(result)) {
            line(facts, contextValue, startedAt, errorCodesOf(result));
            return undefined;
          }
          return { onEnd: () => line(facts, contextValue, startedAt, []) };
        },
        onSubscribeError() {
          line(facts, contextValue, startedAt, ['INTERNAL_SERVER_ERROR']);
        },
      };
    },
  };
}
