import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError, type YogaServerOptions } from 'graphql-yoga';
import { currentRequestId, type Logger } from '../../infrastructure/logger.js';

type MaskError = NonNullable<Exclude<YogaServerOptions<object, object>['maskedErrors'], boolean | undefined>['maskError']>;

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
      const requestId = currentRequestId();
      const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
      log.error({ err: original }, 'unexpected error');
      if (!(masked instanceof GraphQLError)) return masked;
      return new GraphQLError(masked.message, {
        nodes: masked.nodes,
        path: masked.path,
        extensions: { ...masked.extensions, requestId },
      });
    },
  };
}
