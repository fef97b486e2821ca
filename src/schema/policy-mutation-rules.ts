import { changeRefusal, POLICY_CAPABILITIES, type BackupPolicyRecord } from '../domain/backup-policy.js';
import { ValidationError } from '../domain/errors.js';
import type { BackupProvider } from '../domain/provider.js';

/**
 * Which policy mutations a provider takes, from its adapter's methods and the capability table
 * (domain/backup-policy.ts), and which one policy's record refuses (`unchangeable`, refused by the
 * adapter before any write): read both by the mutations and by `BackupPolicy.supportedMutations` and
 * `canSwitchOff`, so that a client (the console) offers only what would not be refused.
 */

export type PolicyMethod = 'createBackupPolicy' | 'updateBackupPolicy' | 'deleteBackupPolicy' | 'attachBackupPolicy' | 'detachBackupPolicy' | 'runBackupPolicy';

/** The mutations of an existing policy, by the names `supportedMutations` gives them. */
export const POLICY_MUTATIONS = {
  UPDATE: 'updateBackupPolicy',
  DELETE: 'deleteBackupPolicy',
  ATTACH: 'attachBackupPolicy',
  DETACH: 'detachBackupPolicy',
  RUN: 'runBackupPolicy',
} as const satisfies Record<string, PolicyMethod>;

export type PolicyMutationName = keyof typeof POLICY_MUTATIONS;

export function switchOffRefusal(provider: BackupProvider, field: string): ValidationError | null {
  return POLICY_CAPABILITIES[provider.kind].canDisable ? null : new ValidationError(field, 'cannot-switch-off', `${provider.kind} cannot switch automated backups off`);
}

/** Whether updateBackupPolicy takes `enabled: false` on this provider's policies (the rule it refuses it by). */
export const takesSwitchOff = (provider: BackupProvider): boolean => switchOffRefusal(provider, 'enabled') === null;

function perInstanceRefusal(provider: BackupProvider, field: string): ValidationError | null {
  if (!POLICY_CAPABILITIES[provider.kind].perInstance) return null;
  return new ValidationError(field, 'one-policy-per-instance', `${provider.kind} keeps one policy per instance: change it with updateBackupPolicy`);
}

/** What the capability table adds to a method the adapter has: a delete or detach switches automated backups off. */
const TABLE_RULES: Partial<Record<PolicyMethod, (provider: BackupProvider, field: string) => ValidationError | null>> = {
  createBackupPolicy: perInstanceRefusal,
  attachBackupPolicy: perInstanceRefusal,
  deleteBackupPolicy: switchOffRefusal,
  detachBackupPolicy: switchOffRefusal,
};

function refusalOf(provider: BackupProvider, method: PolicyMethod, field: string): ValidationError | null {
  const refused = TABLE_RULES[method]?.(provider, field) ?? null;
  if (refused || provider[method]) return refused;
  return new ValidationError(field, 'unsupported-by-provider', `${provider.name} (${provider.kind}) has no ${method}`);
}

/** The adapter's method for the mutation, or the ValidationError naming `field` that the mutation answers. */
export function requirePolicyMethod<K extends PolicyMethod>(provider: BackupProvider, method: K, field: string): NonNullable<BackupProvider[K]> {
  const refused = refusalOf(provider, method, field);
  if (refused) throw refused;
  const found = provider[method] as NonNullable<BackupProvider[K]> & ((...args: never[]) => unknown);
  return found.bind(provider) as NonNullable<BackupProvider[K]>;
}

/** The mutations a policy's own record can refuse (`unchangeable`, which the adapter refuses them by): those that change it. */
const CHANGES = new Set<PolicyMethod>(['updateBackupPolicy', 'attachBackupPolicy', 'detachBackupPolicy']);

/** The mutations this policy takes, from its provider and its own record, in the order of POLICY_MUTATIONS. */
export function supportedMutations(provider: BackupProvider, policy: Pick<BackupPolicyRecord, 'unchangeable'>): PolicyMutationName[] {
  return (Object.keys(POLICY_MUTATIONS) as PolicyMutationName[]).filter((name) => {
    const method = POLICY_MUTATIONS[name];
    return refusalOf(provider, method, 'id') === null && !(CHANGES.has(method) && changeRefusal(policy, 'id'));
  });
}
