import { createComplexityRule } from '@pothos/plugin-complexity';
import { GraphQLError, validate, type ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../../schema/context.js';
import type { CostContext } from '../../schema/costs.js';
import { operationOf } from '../../providers/access.js';
import { refuseBeforeRunning } from './refuse-before-running.js';

/**
 * Holds every operation to a budget of upstream requests, counted with its variables (a page size
 * passed as `$n` counts as much as a literal one), before anything runs. The per-field costs are
 * in schema/costs.ts; the count is @pothos/plugin-complexity's, run as a validation rule with the
 * request's variable values. The cost is kept on the context for the rate limiter; a
 * subscription's is counted twice, whole (its start) and per event (what each event's payload may
 * ask of the vendors, plugins/use-subscription-event-costs.ts).
 */

/** The most an operation may cost upstream, with its variables; or why it is refused (too costly, bad variables, too long a list). */
export function operationCost(
  args: Pick<ExecutionArgs, 'schema' | 'document' | 'variableValues' | 'operationName'>,
  costContext: CostContext,
  maxCost: number,
): { cost: number } | { errors: GraphQLError[] } {
  let cost = 0;
  const rule = createComplexityRule({
    context: costContext,
    variableValues: (args.variableValues ?? {}) as Record<string, unknown>,
    operationName: args.operationName,
    validate: (result, report) => {
      cost = result.complexity;
      if (result.complexity > maxCost) {
        report(
          new GraphQLError(`The operation may cost ${result.complexity} upstream requests, more than the ${maxCost} allowed; ask for smaller pages or fewer nested lists`, {
            extensions: { code: 'COST_LIMIT', cost: result.complexity, maxCost },
          }),
        );
      }
    },
  });
  let errors: readonly GraphQLError[];
  try {
    errors = validate(args.schema, args.document, [rule]);
  } catch (error) {
    // The argument caps of schema/costs.ts throw their refusal from inside the count.
    if (error instanceof GraphQLError) return { errors: [error] };
    throw error;
  }
  if (errors.length === 0) return { cost };
  // Variables that do not fit their types are the client's mistake, said before any cost is counted.
  return { errors: errors.map((e) => (e.extensions.code ? e : new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'BAD_USER_INPUT' } }))) };
}

const isSubscription = (args: ExecutionArgs) => operationOf(args.document, args.operationName)?.operation === 'subscription';

export function useQueryCost(limits: CostContext['limits'] & { maxCost: number }): Plugin<GatewayContext> {
  const check = (args: ExecutionArgs): { errors: GraphQLError[] } | null => {
    const ctx = args.contextValue as GatewayContext;
    const counted = operationCost(args, { providers: ctx.tenant.providers.length, limits }, limits.maxCost);
    if ('errors' in counted) {
      const refusedAt = counted.errors[0]?.extensions.cost;
      if (typeof refusedAt === 'number') ctx.cost = refusedAt;
      return counted;
    }
    ctx.cost = counted.cost;
    if (isSubscription(args)) {
      const perEvent = operationCost(args, { providers: ctx.tenant.providers.length, limits, perEvent: true }, limits.maxCost);
      // Within maxCost whenever the whole is: the per-event count is a part of it.
      if ('cost' in perEvent) ctx.eventCost = perEvent.cost;
    }
    return null;
  };
  return refuseBeforeRunning(check);
}
