import {
  checkRetention,
  NO_LONG_TERM,
  planSchedule,
  type BackupRetention,
  type PlannedSchedule,
} from '../domain/backup-policy.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { parseResourceId } from '../domain/ids.js';
import type { BackupProvider, ResourceRef, ResourceType } from '../domain/provider.js';
import type { Weekday } from '../domain/schedule.js';
import { findUnsafeText } from '../domain/text-hygiene.js';
import { requireWithinCaps } from '../domain/input-caps.js';
import { fingerprintOf, IDEMPOTENCY_TTL_MS } from '../infrastructure/idempotency.js';
import { offsetMinutesAt } from '../infrastructure/wall-clock.js';
import { WeekdayEnum } from './backup-policy.js';
import { builder } from './builder.js';
import type { GatewayContext } from './context.js';
import { recordMutation } from './job-mutation.js';
import { asVendorError, resolveSibling, resolveTarget, type Target } from './mutation-support.js';
import { requirePolicyMethod, switchOffRefusal } from './policy-mutation-rules.js';
import { providerFromId } from './provider.js';
import { BackupPolicyRef, JobRef } from './refs.js';

/**
 * createBackupPolicy, updateBackupPolicy, deleteBackupPolicy, attachBackupPolicy and
 * detachBackupPolicy (scope `policy`), and runBackupPolicy (scope `backup`). Everything a vendor
 * cannot hold is refused here, from the one capability table (domain/backup-policy.ts), before any
 * vendor call.
 */

interface ScheduleInput {
  timesOfDay: string[];
  daysOfWeek?: Weekday[] | null;
  intervalDays?: number | null;
  timeZone: string;
}

type RetentionInput = { [K in keyof BackupRetention]?: number | null };

const BackupScheduleInput = builder.inputType('BackupScheduleInput', {
  fields: (t) => ({
    timesOfDay: t.stringList({ required: true }),
    daysOfWeek: t.field({ type: [WeekdayEnum] }),
    intervalDays: t.int(),
    timeZone: t.string({ required: true, description: 'IANA zone the times are written in, e.g. Europe/Berlin.' }),
  }),
});

const BackupRetentionInput = builder.inputType('BackupRetentionInput', {
  fields: (t) => ({
    maxBackups: t.int(),
    retentionDays: t.int(),
    daily: t.int(),
    weekly: t.int(),
    monthly: t.int(),
    yearly: t.int(),
  }),
});

const UpdateBackupPolicyInput = builder.inputType('UpdateBackupPolicyInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string(),
    schedule: t.field({ type: BackupScheduleInput }),
    retention: t.field({ type: BackupRetentionInput }),
    enabled: t.boolean(),
    backupStorageId: t.id(),
  }),
});

const DeleteBackupPolicyInput = builder.inputType('DeleteBackupPolicyInput', { fields: (t) => ({ id: t.id({ required: true }) }) });

const CreateBackupPolicyInput = builder.inputType('CreateBackupPolicyInput', {
  fields: (t) => ({
    provider: t.id({ required: true }),
    name: t.string({ required: true }),
    schedule: t.field({ type: BackupScheduleInput, required: true }),
    retention: t.field({ type: BackupRetentionInput, required: true }),
    enabled: t.boolean(),
    targetIds: t.idList({ description: 'Attach at once.' }),
    backupStorageId: t.id({ description: 'ZStack: where scheduled volume backups go.' }),
    wholeVm: t.boolean({ description: 'ZStack: a root-volume target backs up its whole VM.' }),
    idempotencyKey: t.string(),
  }),
});

const AttachBackupPolicyInput = builder.inputType('AttachBackupPolicyInput', {
  fields: (t) => ({
    policyId: t.id({ required: true }),
    targetIds: t.idList({ required: true }),
    move: t.boolean({ description: 'VBS keeps a disk in one policy: move it here from the one it is in.' }),
  }),
});

const DetachBackupPolicyInput = builder.inputType('DetachBackupPolicyInput', {
  fields: (t) => ({ policyId: t.id({ required: true }), targetIds: t.idList({ required: true }) }),
});

const RunBackupPolicyInput = builder.inputType('RunBackupPolicyInput', {
  fields: (t) => ({ id: t.id({ required: true }), idempotencyKey: t.string() }),
});

/** The schedule checked against the vendor and converted at the zone's offset now. */
function planOf(provider: BackupProvider, input: ScheduleInput, ctx: GatewayContext, field = 'schedule'): PlannedSchedule {
  const now = ctx.live.now();
  const offset = offsetMinutesAt(now, input.timeZone);
  if (offset === null) throw new ValidationError(`${field}.timeZone`, 'iana-zone', `"${input.timeZone}" is not an IANA time zone`);
  const schedule = { timesOfDay: input.timesOfDay, daysOfWeek: input.daysOfWeek ?? null, intervalDays: input.intervalDays ?? null, timeZone: input.timeZone };
  return planSchedule(schedule, provider.kind, offset, now, field);
}

function retentionOf(provider: BackupProvider, input: RetentionInput, field = 'retention'): BackupRetention {
  const retention: BackupRetention = { maxBackups: input.maxBackups ?? null, retentionDays: input.retentionDays ?? null, ...NO_LONG_TERM };
  for (const longTerm of ['daily', 'weekly', 'monthly', 'yearly'] as const) retention[longTerm] = input[longTerm] ?? null;
  checkRetention(retention, provider.kind, field);
  return retention;
}

function checkName(name: string, field = 'name'): void {
  const unsafe = findUnsafeText({ [field]: name });
  if (unsafe) throw new ValidationError(unsafe.field, 'no-control-characters', `${field} holds ${unsafe.character}, an invisible, control or text-direction character`);
  if (name.length === 0 || name.length > 64) throw new ValidationError(field, 'length:1-64', `${field} must be 1 to 64 characters`);
}

/** Runs the vendor calls; failures that are the upstream's become VendorError. */
async function vendorCall<T>(provider: BackupProvider, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asVendorError(provider, error);
  }
}

/** The vendor's answer to a write of a policy it does not have: null or false. */
function found<T>(answer: T | null | false, globalId: string): T {
  if (answer === null || answer === false) throw new NotFoundError(globalId, `No BackupPolicy with id ${globalId}`);
  return answer;
}

recordMutation('updateBackupPolicy', {
  scope: 'policy',
  description: 'Changes a policy: what the input leaves out stays as it is.',
  input: UpdateBackupPolicyInput,
  answers: { field: 'policy', type: BackupPolicyRef },
  resolve: async (input, ctx) => {
    const policy = resolveTarget(ctx, String(input.id), 'BackupPolicy');
    const { provider } = policy;
    const update = requirePolicyMethod(provider, 'updateBackupPolicy', 'id');
    const switchOff = input.enabled === false ? switchOffRefusal(provider, 'enabled') : null;
    if (switchOff) throw switchOff;
    if (input.name !== null && input.name !== undefined) checkName(input.name);
    const request = {
      id: policy.vendorId,
      name: input.name ?? null,
      enabled: input.enabled ?? null,
      plan: input.schedule ? planOf(provider, input.schedule, ctx) : null,
      retention: input.retention ? retentionOf(provider, input.retention) : null,
      backupStorageId: input.backupStorageId ? resolveSibling(ctx, String(input.backupStorageId), 'BackupStorage', policy, 'backupStorageId') : null,
    };
    return found(await vendorCall(provider, () => update(request)), String(input.id));
  },
});

recordMutation('createBackupPolicy', {
  scope: 'policy',
  description: 'Creates a policy on one provider, attached to `targetIds` at once; a repeat with the same idempotencyKey answers with the first one\'s policy.',
  input: CreateBackupPolicyInput,
  answers: { field: 'policy', type: BackupPolicyRef },
  resolve: async (input, ctx) => {
    const provider = providerOf(ctx, String(input.provider));
    const create = requirePolicyMethod(provider, 'createBackupPolicy', 'provider');
    checkName(input.name);
    const plan = planOf(provider, input.schedule, ctx);
    const retention = retentionOf(provider, input.retention);
    const self: Target = { provider, vendorId: '' };
    const targets = (input.targetIds ?? []).map((id) => targetRef(ctx, String(id), self, 'targetIds'));
    const request = {
      name: input.name,
      enabled: input.enabled ?? true,
      plan,
      retention,
      targets,
      backupStorageId: input.backupStorageId ? resolveSibling(ctx, String(input.backupStorageId), 'BackupStorage', self, 'backupStorageId') : null,
      wholeVm: input.wholeVm ?? false,
      idempotencyKey: input.idempotencyKey ?? null,
    };
    requireWithinCaps(request);
    const run = () => vendorCall(provider, () => create(request));
    if (!request.idempotencyKey) return run();
    // VBS takes no client token: the first call with a key creates, a repeat gets its answer (as for
    // backups, mutation-support.ts). The fingerprint is the input: the plan's offset and write time
    // differ between a call and its retry.
    return ctx.idempotency.once(`${provider.key}:createBackupPolicy:${request.idempotencyKey}`, fingerprintOf(input), IDEMPOTENCY_TTL_MS, run);
  },
});

recordMutation('deleteBackupPolicy', {
  scope: 'policy',
  description: 'Deletes a policy; the backups it made stay.',
  input: DeleteBackupPolicyInput,
  answers: { field: 'id', type: 'ID' },
  resolve: async (input, ctx) => {
    const policy = resolveTarget(ctx, String(input.id), 'BackupPolicy');
    const remove = requirePolicyMethod(policy.provider, 'deleteBackupPolicy', 'id');
    found(await vendorCall(policy.provider, () => remove(policy.vendorId)), String(input.id));
    return String(input.id);
  },
});

/** Attach and detach: the same lookups, each refused where the vendor keeps its own rule. */
function targetsMutation(
  name: 'attachBackupPolicy' | 'detachBackupPolicy',
  input: typeof AttachBackupPolicyInput | typeof DetachBackupPolicyInput,
): void {
  recordMutation(name, {
    scope: 'policy',
    input,
    answers: { field: 'policy', type: BackupPolicyRef },
    resolve: async (given: { policyId: string | number; targetIds: (string | number)[]; move?: boolean | null }, ctx) => {
      const policy = resolveTarget(ctx, String(given.policyId), 'BackupPolicy');
      const write = requirePolicyMethod(policy.provider, name, 'policyId');
      const targets = given.targetIds.map((id) => targetRef(ctx, String(id), policy, 'targetIds'));
      return found(await vendorCall(policy.provider, () => write({ policyId: policy.vendorId, targets, move: given.move ?? false })), String(given.policyId));
    },
  });
}

recordMutation('runBackupPolicy', {
  scope: 'backup',
  description: [
    'Backs up now what the policy backs up, as the vendor\'s own run (its retention applies): one job per backup the run makes, each',
    'followed until its backup is made (SUCCEEDED, the Backup its resource) or failed (FAILED, with the vendor\'s reason). ZStack: the',
    'policy\'s trigger run now, one job per volume. A disabled policy (enabled: false) is refused on every vendor, rule policy-disabled,',
    'before anything is sent.',
    'VBS: the policy executed, one job per disk it holds; VBS cannot list a policy\'s disks, so each job follows one of the run\'s',
    'backup tasks in the order VBS lists them, and its disk is known once its Backup is (the Backup\'s volume).',
    'CBR has no run API: one checkpoint of each vault the policy is bound to, one job per resource backed up.',
    'Not on TaurusDB (its automated policy has no run; createDatabaseBackup makes a manual backup): unsupported-by-provider.',
    'A job whose run the vendor has still not recorded jobs.unrecordedTimeoutMs (default 30 min) after it started ends FAILED with',
    'code RUN_NOT_RECORDED. A repeat with the same idempotencyKey answers the first run\'s jobs and runs nothing.',
  ].join(' '),
  input: RunBackupPolicyInput,
  answers: { field: 'jobs', type: JobRef, list: true },
  resolve: async (input, ctx) => {
    const policy = resolveTarget(ctx, String(input.id), 'BackupPolicy');
    const { provider } = policy;
    const run = requirePolicyMethod(provider, 'runBackupPolicy', 'id');
    const request = { policyId: policy.vendorId, idempotencyKey: input.idempotencyKey ?? null };
    requireWithinCaps(request);
    const send = async () => found(await vendorCall(provider, () => run(request)), String(input.id));
    const started = request.idempotencyKey
      ? await ctx.idempotency.once(`${provider.key}:runBackupPolicy:${request.idempotencyKey}`, fingerprintOf(input), IDEMPOTENCY_TTL_MS, send)
      : await send();
    return Promise.all(started.map((job) => ctx.jobs.track(provider, job)));
  },
});

targetsMutation('attachBackupPolicy', AttachBackupPolicyInput);
targetsMutation('detachBackupPolicy', DetachBackupPolicyInput);

function providerOf(ctx: GatewayContext, providerId: string): BackupProvider {
  let provider: BackupProvider | undefined;
  try {
    provider = providerFromId(ctx, providerId);
  } catch {
    provider = undefined;
  }
  if (!provider) throw new NotFoundError(providerId, `No provider with id ${providerId}`);
  return provider;
}

const TARGET_TYPES = new Set<ResourceType>(['Volume', 'DatabaseInstance', 'BackupStorage']);

/** A volume, instance or vault of the policy's own provider. */
function targetRef(ctx: GatewayContext, globalId: string, of: Target, field: string): ResourceRef {
  const typename = parseResourceId(globalId)?.typename as ResourceType | undefined;
  if (!typename || !TARGET_TYPES.has(typename)) throw new NotFoundError(globalId, `No Volume or DatabaseInstance with id ${globalId}`);
  return { type: typename, vendorId: resolveSibling(ctx, globalId, typename, of, field) };
}
