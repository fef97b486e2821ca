import { createComplexityRule } from '@pothos/plugin-complexity';
import { GraphQLError, validate, visit, type DocumentNode, type ExecutionArgs } from 'graphql';
import { BoundedMap } from '../../domain/bounded-map.js';
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

/**
 * The document as priced: without `__typename`, which the executor answers from the schema and
 * which reaches no vendor. The complexity plugin prices every meta field at its default of 1 (it
 * has no field to read a cost from), so clients that add it everywhere (urql, Apollo Client) paid
 * for it once per row of every list.
 */
const pricedDocuments = new WeakMap<DocumentNode, DocumentNode>();
function pricedDocument(document: DocumentNode): DocumentNode {
  let priced = pricedDocuments.get(document);
  if (!priced) pricedDocuments.set(document, (priced = visit(document, { Field: (node) => (node.name.value === '__typename' ? null : undefined) })));
  return priced;
}

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
    errors = validate(args.schema, pricedDocument(args.document), [rule]);
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

/** Variable sets whose cost is remembered per document: a console repeats a handful of them. */
const COSTS_PER_DOCUMENT = 64;

/**
 * `operationCost` remembered for the operations that fit: the count is a pure function of the
 * document (yoga's parser cache hands back the same DocumentNode for the same text), the operation
 * name, the variables (read from JSON, so their JSON text says all they hold), the tenant's number
 * of providers and the limits. Refusals are counted again each time: their errors belong to one
 * request (its request id is attached to them).
 */
function rememberedCosts(limits: CostContext['limits'] & { maxCost: number }) {
  const byDocument = new WeakMap<DocumentNode, BoundedMap<string, number>>();
  return (args: ExecutionArgs, costContext: CostContext): ReturnType<typeof operationCost> => {
    let costs = byDocument.get(args.document);
    if (!costs) byDocument.set(args.document, (costs = new BoundedMap(COSTS_PER_DOCUMENT)));
    const key = `${args.operationName ?? ''}\n${costContext.providers}\n${costContext.perEvent === true}\n${JSON.stringify(args.variableValues ?? {})}`;
    const known = costs.get(key);
    if (known !== undefined) return { cost: known };
    const counted = operationCost(args, costContext, limits.maxCost);
    if ('cost' in counted) costs.set(key, counted.cost);
    return counted;
  };
}

export function useQueryCost(limits: CostContext['limits'] & { maxCost: number }): Plugin<GatewayContext> {
  const costOf = rememberedCosts(limits);
  const check = (args: ExecutionArgs): { errors: GraphQLError[] } | null => {
    const ctx = args.contextValue as GatewayContext;
    const counted = costOf(args, { providers: ctx.tenant.providers.length, limits });
    if ('errors' in counted) {
      const refusedAt = counted.errors[0]?.extensions.cost;
      if (typeof refusedAt === 'number') ctx.cost = refusedAt;
      return counted;
    }
    ctx.cost = counted.cost;
    if (isSubscription(args)) {
      const perEvent = costOf(args, { providers: ctx.tenant.providers.length, limits, perEvent: true });
      // Within maxCost whenever the whole is: the per-event count is a part of it.
      if ('cost' in perEvent) ctx.eventCost = perEvent.cost;
    }
    return null;
  };
  return refuseBeforeRunning(check);
}
