import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { ExecutionResult } from 'graphql';
import { runWithinBudget, UpstreamBudget } from '../../infrastructure/upstream-budget.js';
import type { GatewayContext } from '../../schema/context.js';

/**
 * An operation runs within its budget of upstream requests (infrastructure/upstream-budget.ts): its
 * cost as use-query-cost.ts counted it, which is at most `maxCost`. The upstream layer stops at the
 * budget, so a field that would need more ends with COST_LIMIT beside whatever else answered.
 *
 * Must come after every plugin that replaces the execute function (graphql-jit): it wraps the one
 * in force when its turn comes.
 */
export function useUpstreamBudget(): Plugin<GatewayContext> {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const ctx = args.contextValue as GatewayContext;
      const budget = new UpstreamBudget(ctx.cost ?? 0);
      ctx.upstreamBudget = budget;
      setExecuteFn((execution) => runWithinBudget(budget, () => executeFn(execution)));
    },
  };
}

/**
 * `extensions.cost { requested, actual }` on every response, as Shopify's API reports it:
 * `requested` is what the operation was priced at before it ran, `actual` the upstream requests it
 * made. Placed before the checks that may refuse, so that their refusals carry it too (an actual
 * of 0); an operation that never ran (it did not parse or validate) reports 0 and 0.
 */
export function useCostReport(): Plugin<GatewayContext> {
  return {
    onExecute() {
      return {
        onExecuteDone({ args, result, setResult }) {
          if (isAsyncIterable(result)) return;
          const ctx = args.contextValue as GatewayContext;
          setResult(withCost(result, { requested: ctx.cost ?? 0, actual: ctx.upstreamBudget?.spent ?? 0 }));
        },
      };
    },
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || isAsyncIterable(result) || (result.extensions as { cost?: unknown } | undefined)?.cost) return;
      setResult(withCost(result, NOTHING_RAN));
    },
  };
}

const NOTHING_RAN: CostReport = Object.freeze({ requested: 0, actual: 0 });

interface CostReport {
  requested: number;
  actual: number;
}

function withCost(result: ExecutionResult, cost: CostReport): ExecutionResult {
  return { ...result, extensions: { ...result.extensions, cost } };
}
