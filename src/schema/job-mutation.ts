import type { InputObjectRef, ObjectFieldsShape, ObjectRef } from '@pothos/core';
import type { BackupProvider, JobRecord, ResourceType, StartedJob } from '../domain/provider.js';
import { builder } from './builder.js';
import type { GatewayContext } from './context.js';
import { MUTATION_ERRORS } from './errors.js';
import { requireExisting, requireOperation, resolveTarget, resourceKey, startJob, type ExistenceCheck, type JobOperation, type Target } from './mutation-support.js';
import { JobRef } from './refs.js';

/**
 * The one shape of every vendor mutation: find the resource the input names, check the provider
 * can do the operation, build the vendor request, start the job (once per idempotency key) and
 * answer with the job and what it makes or acts on. The operation's name is written once: it names
 * the mutation field, the provider method, the `<Name>Result` union, the `<Name>Success` type,
 * `Job.operation` and the mutation's entry in MUTATION_SCOPES.
 */

type OperationMethod<Op extends JobOperation> = NonNullable<BackupProvider[Op]>;
type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** What a mutation does to data, for access rules: start backups, overwrite live data, remove, or change schedules. */
export type MutationScope = 'backup' | 'restore' | 'delete' | 'policy';

/** The scope of every mutation, by field name: filled as each `jobMutation` is declared, so import it from `./index.js`, where all are. */
export const MUTATION_SCOPES: Readonly<Record<string, MutationScope>> = {};

/** What the resolver knows once the job has started; `checked` is undefined for a repeat, whose check did not run. */
export interface StartedMutation<Input, Request, Checked> {
  job: JobRecord;
  input: Input;
  target: Target;
  request: Request;
  checked: Checked | undefined;
}

export interface JobMutationSpec<Op extends JobOperation, Input extends object, Request extends object, Checked, Payload extends object> {
  scope: MutationScope;
  description?: string;
  input: InputObjectRef<Types, Input>;
  /** The input field holding the global id of the resource the job runs on, and that resource's type. */
  target: { field: keyof Input & string; type: ResourceType };
  /** Deletes name something that must exist: it is looked up (batched) before anything is sent. */
  mustExist?: ExistenceCheck;
  /** The vendor request, from the input and the resolved target; throws ValidationError on bad input. */
  request: (input: Input, target: Target, ctx: GatewayContext) => Request;
  /**
   * Checks that read vendor state; they run inside the idempotency scope (StartOptions.before), so a
   * repeat of a started request gets its Job unchecked. What they return reaches `send`.
   */
  check?: (input: Input, target: Target, request: Request, ctx: GatewayContext) => Promise<Checked>;
  /** Never sent twice by accident under one key (StartOptions.atMostOnce): restores overwrite live data. */
  atMostOnce?: boolean;
  /** How the request reaches the port method; by default the request is its only argument. */
  send?: (operation: OperationMethod<Op>, request: Request, checked: Checked) => Promise<StartedJob>;
  /** What the job makes, returned beside it once known (`backup`, `snapshot`, `group`). */
  makes?: { field: string; type: ObjectRef<Types, unknown, unknown>; resource: ResourceType };
  /** A success type carrying more than the job and what it makes: its payload beside `job`, and its fields after `job` (declared in this order, so the payload's type reaches the fields). */
  success?: {
    payload: (started: StartedMutation<Input, Request, Checked>, ctx: GatewayContext) => Payload;
    fields: ObjectFieldsShape<Types, Payload & { job: JobRecord }>;
  };
}

type AnySpec = JobMutationSpec<JobOperation, Record<string, unknown>, object, unknown, object>;

const pascal = (name: string) => name[0]!.toUpperCase() + name.slice(1);

function successType(name: string, spec: AnySpec) {
  const { makes, success } = spec;
  if (success) {
    return builder.objectRef<{ job: JobRecord }>(`${pascal(name)}Success`).implement({
      fields: (t) => ({ job: t.field({ type: JobRef, nullable: false, resolve: (p) => p.job }), ...success.fields(t) }),
    });
  }
  return builder.simpleObject(`${pascal(name)}Success`, {
    fields: (t) => ({
      job: t.field({ type: JobRef, nullable: false }),
      ...(makes ? { [makes.field]: t.field({ type: makes.type }) } : {}),
    }),
  });
}

function payloadOf(spec: AnySpec, started: StartedMutation<Record<string, unknown>, object, unknown>, ctx: GatewayContext): { job: JobRecord } {
  const { job } = started;
  if (spec.success) return { job, ...spec.success.payload(started, ctx) };
  return spec.makes ? { job, [spec.makes.field]: resourceKey(job, spec.makes.resource) } : { job };
}

export function jobMutation<Op extends JobOperation, Input extends object, Request extends object, Checked = void, Payload extends object = object>(
  operation: Op,
  spec: JobMutationSpec<Op, Input, Request, Checked, Payload>,
): void {
  const loose = spec as unknown as AnySpec;
  const send = loose.send ?? ((method: (request: object) => Promise<StartedJob>, request: object) => method(request));
  const Success = successType(operation, loose);
  declareScope(operation, spec.scope);
  builder.mutationField(operation, (t) =>
    t.field({
      type: Success,
      nullable: false,
      description: spec.description,
      errors: { types: MUTATION_ERRORS, union: { name: `${pascal(operation)}Result` } },
      args: { input: t.arg({ type: spec.input, required: true }) },
      resolve: async (_root, args, ctx) => {
        const input = (args as { input: Record<string, unknown> }).input;
        const targetId = String(input[loose.target.field]);
        const target = resolveTarget(ctx, targetId, loose.target.type);
        const method = requireOperation(target.provider, operation, loose.target.field);
        if (loose.mustExist) await requireExisting(ctx, loose.mustExist, targetId, target);
        const request = loose.request(input, target, ctx);
        let checked: unknown;
        const check = loose.check;
        const job = await startJob(ctx, target.provider, operation, request, (r) => send(method as never, r, checked), {
          atMostOnce: loose.atMostOnce,
          before: check
            ? async () => {
                checked = await check(input, target, request, ctx);
              }
            : undefined,
        });
        return payloadOf(loose, { job, input, target, request, checked }, ctx);
      },
    }) as never,
  );
}

function declareScope(name: string, scope: MutationScope): void {
  (MUTATION_SCOPES as Record<string, MutationScope>)[name] = scope;
}

/**
 * The same skeleton for mutations whose vendor call answers with the changed record instead of a
 * job (backup policies): the scope table, the `<Name>Result` union with the same errors and the
 * `<Name>Success` type, so access rules and the audit log treat them like every other mutation.
 */
export interface RecordMutationSpec<Input extends object> {
  scope: MutationScope;
  description?: string;
  input: InputObjectRef<Types, Input>;
  /** The one field of the success type (`policy`, `id`, `jobs`) and its type (a list of it with `list`): it holds what `resolve` answers. */
  answers: { field: string; type: ObjectRef<Types, unknown, unknown> | 'ID'; list?: true };
  /** Refuses bad input (ValidationError, NotFoundError) before anything is sent, then makes the vendor calls. */
  resolve: (input: Input, ctx: GatewayContext) => Promise<unknown>;
}

export function recordMutation<Input extends object>(name: string, spec: RecordMutationSpec<Input>): void {
  declareScope(name, spec.scope);
  const { field, type, list } = spec.answers;
  const Success = builder.simpleObject(`${pascal(name)}Success`, {
    fields: (t) => ({ [field]: t.field({ type: (list ? [type] : type) as ObjectRef<Types, unknown, unknown>, nullable: false }) }),
  });
  builder.mutationField(name, (t) =>
    t.field({
      type: Success,
      nullable: false,
      description: spec.description,
      errors: { types: MUTATION_ERRORS, union: { name: `${pascal(name)}Result` } },
      args: { input: t.arg({ type: spec.input, required: true }) },
      resolve: async (_root, args, ctx) => ({ [field]: await spec.resolve((args as { input: Input }).input, ctx) }) as never,
    }) as never,
  );
}
