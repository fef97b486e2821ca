import type { InputObjectRef, ObjectRef } from '@pothos/core';
import type { BackupProvider, ResourceType, StartedJob } from '../domain/provider.js';
import { builder } from './builder.js';
import type { GatewayContext } from './context.js';
import { MUTATION_ERRORS } from './errors.js';
import { requireExisting, requireOperation, resolveTarget, resourceKey, startJob, type ExistenceCheck, type JobOperation, type Target } from './mutation-support.js';
import { JobRef } from './refs.js';

/**
 * The one shape of every vendor mutation: find the resource the input names, check the provider
 * can do the operation, build the vendor request, start the job (once per idempotency key) and
 * answer with the job and what it makes. The operation's name is written once: it names the
 * mutation field, the provider method, the `<Name>Result` union, the `<Name>Success` type and
 * `Job.operation`.
 */

type OperationMethod<Op extends JobOperation> = NonNullable<BackupProvider[Op]>;
type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

export interface JobMutationSpec<Op extends JobOperation, Input extends object, Request extends object> {
  description?: string;
  input: InputObjectRef<Types, Input>;
  /** The input field holding the global id of the resource the job runs on, and that resource's type. */
  target: { field: keyof Input & string; type: ResourceType };
  /** Deletes name something that must exist: it is looked up (batched) before anything is sent. */
  mustExist?: ExistenceCheck;
  /** The vendor request, from the input and the resolved target; throws ValidationError on bad input. */
  request: (input: Input, target: Target, ctx: GatewayContext) => Request;
  /** How the request reaches the port method; by default the request is its only argument. */
  send?: (operation: OperationMethod<Op>, request: Request) => Promise<StartedJob>;
  /** What the job makes, returned beside it once known (`backup`, `snapshot`, `group`). */
  makes?: { field: string; type: ObjectRef<Types, unknown, unknown>; resource: ResourceType };
}

const pascal = (name: string) => name[0]!.toUpperCase() + name.slice(1);

function successType(name: string, makes: JobMutationSpec<JobOperation, object, object>['makes']) {
  return builder.simpleObject(`${pascal(name)}Success`, {
    fields: (t) => ({
      job: t.field({ type: JobRef, nullable: false }),
      ...(makes ? { [makes.field]: t.field({ type: makes.type }) } : {}),
    }),
  });
}

export function jobMutation<Op extends JobOperation, Input extends object, Request extends object>(
  operation: Op,
  spec: JobMutationSpec<Op, Input, Request>,
): void {
  const loose = spec as unknown as JobMutationSpec<JobOperation, Record<string, unknown>, object>;
  const send = loose.send ?? ((method: (request: object) => Promise<StartedJob>, request: object) => method(request));
  const Success = successType(operation, loose.makes);
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
        const job = await startJob(ctx, target.provider, operation, request, (r) => send(method as never, r));
        return loose.makes ? { job, [loose.makes.field]: resourceKey(job, loose.makes.resource) } : { job };
      },
    }) as never,
  );
}
