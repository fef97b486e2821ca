import { errorTypeMap } from '@pothos/plugin-errors';
import { GraphQLError, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../../schema/context.js';
import { operationOf, rootFieldsOf, type Principal } from '../../providers/access.js';
import { NotFoundError, ValidationError, VendorError } from '../../domain/errors.js';
import { parseResourceId } from '../../domain/ids.js';
import type { Logger } from '../../infrastructure/logger.js';
import type { JobRecord } from '../../domain/provider.js';
import { mutationFieldsOf } from './refused-before-execution.js';

/**
 * One line per mutation attempt on the `audit` channel, at info whatever the gateway's log level:
 * who (tenant, key label; never the key), what (operation, target global ids), what came of it
 * (accepted with the vendor job id, refused and why, the vendor's error code) and the request id
 * (added by the logger). Attempts that ran are logged from their resolver's own result; refusals
 * just before execution (scope, rate, cost) from the operation's result; refusals before that
 * (invalid, too deep, several operations and no name, GET, a body that is not JSON) from the
 * response, with the mutation fields the document names (or no operation when the body was never
 * read as GraphQL).
 */

type Outcome =
  | { outcome: 'accepted'; vendorJobId: string; jobId?: string }
  | { outcome: 'accepted'; vendorJobIds: string[] }
  | { outcome: 'accepted'; changed: string }
  | { outcome: 'refused'; reason: string; field?: string; rule?: string }
  | { outcome: 'vendor-error'; vendorCode: string | null }
  | { outcome: 'failed' };

/** The audit channel of a gateway's logger. */
export function auditLogger(log: Logger): Logger {
  return log.child({ channel: 'audit' }, { level: 'info' });
}

function write(audit: Logger, principal: Principal, operation: string | null, targets: string[], outcome: Outcome): void {
  audit.info({ tenant: principal.tenant.name, key: principal.label, operation, targets, ...outcome }, 'mutation');
}

/** Refusals whose status says more than their errors' code (yoga answers a GET mutation BAD_REQUEST). */
const REASON_BY_STATUS: Record<number, string> = { 405: 'METHOD_NOT_ALLOWED', 415: 'UNSUPPORTED_MEDIA_TYPE' };

interface Seen {
  params?: { query?: string; operationName?: string | null; variables?: unknown };
  /** Reached execution: the hooks there write its line. */
  executed?: boolean;
  code?: string;
}

// The schema object is shared by every gateway of the process: its resolvers are wrapped once, and
// write to the audit logger of the request's own gateway.
const wrapped = new WeakSet<GraphQLSchema>();

export function useAuditLog(audit: Logger): Plugin<GatewayContext & { principal?: Principal | null }> {
  const seen = new WeakMap<Request, Seen>();
  const of = (request: Request) => seen.get(request) ?? (seen.set(request, {}), seen.get(request)!);
  return {
    onParams({ request, params }) {
      of(request).params = params;
    },
    onContextBuilding({ context }) {
      // WebSocket operations have no HTTP request: nothing of theirs is seen by onResponse.
      if (context.request) of(context.request).executed = true;
    },
    onResultProcess({ request, result }) {
      const first = (Array.isArray(result) ? result[0] : result) as { errors?: readonly { extensions?: Record<string, unknown> }[] } | undefined;
      const code = first?.errors?.[0]?.extensions?.code;
      if (typeof code === 'string') of(request).code = code;
    },
    onResponse({ request, response, serverContext }) {
      const principal = (serverContext as { principal?: Principal | null }).principal;
      const state = seen.get(request) ?? {};
      if (!principal || state.executed || (response.status < 400 && !state.code)) return;
      const reason = REASON_BY_STATUS[response.status] ?? state.code ?? `HTTP_${response.status}`;
      if (!state.params?.query) {
        // Never read as GraphQL (a body that is not JSON): what it asked is unknown, the refusal is recorded.
        if (request.method === 'POST') write(audit, principal, null, [], { outcome: 'refused', reason });
        return;
      }
      const fields = mutationFieldsOf(state.params.query, state.params.operationName);
      const targets = globalIdsIn(state.params.variables ?? {});
      for (const name of fields ?? []) write(audit, principal, name, targets, { outcome: 'refused', reason });
    },
    onSchemaChange({ schema }) {
      if (wrapped.has(schema)) return;
      wrapped.add(schema);
      const mutation = schema.getMutationType();
      if (!isObjectType(mutation)) return;
      // Only the Mutation fields are wrapped: a generic on-resolve hook (@envelop/on-resolve) would
      // sit on every field of every subscription event too.
      for (const field of Object.values(mutation.getFields())) {
        const resolve = field.resolve as GraphQLFieldResolver<unknown, GatewayContext> | undefined;
        if (!resolve) continue;
        field.resolve = async (root, args, ctx, info) => {
          const targets = globalIdsIn(args);
          try {
            const result = await resolve(root, args, ctx, info);
            write(ctx.audit, ctx.principal, field.name, targets, outcomeOf(result));
            return result;
          } catch (error) {
            write(ctx.audit, ctx.principal, field.name, targets, error instanceof GraphQLError && error.extensions.code ? { outcome: 'refused', reason: String(error.extensions.code) } : { outcome: 'failed' });
            throw error;
          }
        };
      }
    },
    onExecute({ args }) {
      const operation = operationOf(args.document, args.operationName);
      if (operation?.operation !== 'mutation') return;
      return {
        onExecuteDone({ result }) {
          // A result with no data at all was refused before any resolver ran.
          if (!('errors' in result) || !result.errors?.length || ('data' in result && result.data)) return;
          const reason = String(result.errors[0]!.extensions?.code ?? 'refused');
          const ctx = args.contextValue as GatewayContext;
          const targets = globalIdsIn(args.variableValues ?? {});
          for (const name of rootFieldsOf(args.document, operation)) {
            if (name !== '__typename') write(ctx.audit, ctx.principal, name, targets, { outcome: 'refused', reason });
          }
        },
      };
    },
  };
}

function outcomeOf(result: unknown): Outcome {
  // The errors plugin hands back its errors as proxies; its map says which error class each one is.
  const errorType = result && typeof result === 'object' ? errorTypeMap.get(result) : undefined;
  if (errorType === ValidationError) {
    const error = result as ValidationError;
    return { outcome: 'refused', reason: 'VALIDATION', field: error.field, rule: error.rule };
  }
  if (errorType === NotFoundError) return { outcome: 'refused', reason: 'NOT_FOUND' };
  if (errorType === VendorError) return { outcome: 'vendor-error', vendorCode: (result as VendorError).vendorCode };
  const answer = result as { job?: JobRecord; jobs?: JobRecord[]; policy?: { vendorId: string }; id?: string } | null;
  if (answer?.job) return { outcome: 'accepted', vendorJobId: answer.job.vendorId };
  // A policy run: one job per backup it makes.
  if (answer?.jobs) return { outcome: 'accepted', vendorJobIds: answer.jobs.map((job) => job.vendorId) };
  // Mutations that answer with the changed record (backup policies): its vendor id, or the global id a delete names.
  const changed = answer?.policy?.vendorId ?? answer?.id;
  return changed ? { outcome: 'accepted', changed } : { outcome: 'failed' };
}

/** Every resource global id among the arguments (input ids, id lists), however deep. */
function globalIdsIn(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.length <= 512 && parseResourceId(value)) found.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value.slice(0, 100)) globalIdsIn(item, found);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) globalIdsIn(item, found);
  }
  return found;
}
