import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { upstreamCallsSoFar, type Logger } from '../../infrastructure/logger.js';
import { describeOperation, errorCodesOf, isSingleResult, type OperationFacts } from '../operation-facts.js';
import type { SubscriptionConcern } from './subscription-stream.js';

/**
 * One info line per operation, when it ends (a subscription when it closes, subscriptionLog below):
 * tenant, key label, operation name and type, duration, upstream calls made for it, error codes.
 * The request id comes with every line (logger mixin). Operations refused at validation get their
 * line too.
 */

interface LoggedContext {
  tenant?: { name: string };
  principal?: { label: string };
}

function operationLine(log: Logger, facts: OperationFacts, contextValue: LoggedContext | undefined, startedAt: number, errorCodes: string[]): void {
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
}

export function useOperationLog(log: Logger): Plugin {
  return {
    onValidate({ params }) {
      const startedAt = performance.now();
      return ({ valid, result }) => {
        if (!valid) operationLine(log, describeOperation(params.documentAST, undefined), undefined, startedAt, errorCodesOf({ errors: result as GraphQLError[] }, 'GRAPHQL_VALIDATION_FAILED'));
      };
    },
    onExecute({ args }) {
      const startedAt = performance.now();
      const facts = describeOperation(args.document, args.operationName);
      return {
        onExecuteDone({ result }) {
          operationLine(log, facts, args.contextValue as LoggedContext, startedAt, isSingleResult(result) ? errorCodesOf(result) : []);
        },
      };
    },
  };
}

/** The operation line of a subscription, when it ends: INTERNAL_SERVER_ERROR when its stream failed. */
export function subscriptionLog(log: Logger): SubscriptionConcern<LoggedContext> {
  return {
    ended(stream, single, failure) {
      const { document, operationName } = stream.args;
      const errorCodes = single ? errorCodesOf(single) : failure === undefined ? [] : ['INTERNAL_SERVER_ERROR'];
      operationLine(log, describeOperation(document, operationName), stream.context, stream.startedAt, errorCodes);
    },
  };
}
