import { GraphQLError, type ExecutionResult } from 'graphql';
import { handleStreamOrSingleExecutionResult, maskError as yogaMaskError, type Plugin, type YogaServerOptions } from 'graphql-yoga';
import type { GatewayContext } from '../../schema/context.js';
import type { Logger } from '../../infrastructure/logger.js';
import type { SubscriptionConcern } from './subscription-stream.js';

type MaskError = NonNullable<Exclude<YogaServerOptions<object, object>['maskedErrors'], boolean | undefined>['maskError']>;

/**
 * The request each error of a result came from. Yoga's maskError sees the error alone, so the
 * plugin below notes the request id of every error before masking runs (user plugins come before
 * yoga's masking in the hook order).
 */
const requestIdOfError = new WeakMap<object, string>();

/** Notes the request id of every error an operation answers with, for the masking below. */
export function useRequestIdsOnErrors(): Plugin<GatewayContext> {
  const noteRequestIds =
    (requestId: string) =>
    ({ result }: { result: ExecutionResult }) =>
      noteRequestId(result, requestId);
  return {
    onExecute({ args }) {
      const note = noteRequestIds((args.contextValue as GatewayContext).requestId);
      return { onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, note) };
    },
  };
}

function noteRequestId(result: ExecutionResult, requestId: string): void {
  for (const error of result.errors ?? []) requestIdOfError.set(error, requestId);
}

/** The same for subscriptions: each result they deliver, and the errors they answer with at once. */
export const subscriptionRequestIdsOnErrors: SubscriptionConcern<GatewayContext> = {
  result: (stream, result) => noteRequestId(result, stream.context.requestId),
  ended: (stream, single) => {
    if (single) noteRequestId(single, stream.context.requestId);
  },
};

/**
 * Yoga masks every error that is not a deliberate GraphQLError; this keeps that and adds what an
 * operator needs to find the cause: the original error is logged with the request id, and the
 * client gets the same request id to quote.
 */
export function errorMasking(log: Logger): { maskError: MaskError } {
  return {
    maskError(error, message, isDev) {
      const masked = yogaMaskError(error, message, isDev);
      if (masked === error) return masked;
      const requestId = requestIdOfError.get(error as object);
      const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
      log.error({ err: original, requestId }, 'unexpected error');
      if (!(masked instanceof GraphQLError)) return masked;
      return new GraphQLError(masked.message, {
        nodes: masked.nodes,
        path: masked.path,
        extensions: { ...masked.extensions, requestId },
      });
    },
  };
}
