import type { SimRequest, SimResponse } from '../../kit/index.js';
import { isRecord, isRefusal, readBody, readWrapped, type CbrRouteContext } from './context.js';
import { parsePattern } from './policy-runs.js';
import { cbrError } from './shapes.js';
import { cbrTime, newId, type SimPolicy, type SimVault } from './state.js';

/**
 * Policies (huawei-cbr.md F.6): create, list (filters operation_type and vault_id, no paging), show,
 * update, delete, and binding them to vaults (associatepolicy / dissociatepolicy, F.2). A vault holds
 * at most one backup policy; the vault object names none, so bindings are read from the policies.
 */

const MAX_POLICIES = 32;
const MAX_PATTERNS = 24;
const FIELDS = ['name', 'operation_type', 'enabled', 'trigger', 'operation_definition'];
const DEFINITION = [
  'max_backups', 'retention_duration_days', 'day_backups', 'week_backups', 'month_backups', 'year_backups',
  'timezone', 'full_backup_interval', 'destination_region', 'destination_project_id', 'enable_acceleration', 'cross_account_urn',
];
const LONG_TERM = ['day_backups', 'week_backups', 'month_backups', 'year_backups'];
const ZONE = /^UTC[+-]\d{2}:\d{2}$/;

const invalid = (message: string) => cbrError(400, '9900', message);

export function registerPolicyRoutes(ctx: CbrRouteContext, now: () => number): void {
  const { server, state, authed } = ctx;
  const policyOr404 = (id: string | undefined): SimPolicy | SimResponse => state.policies.get(id ?? '') ?? cbrError(404, '6000', 'The policy does not exist.');
  const vaultOr404 = (id: string | undefined): SimVault | SimResponse => state.vaults.get(id ?? '') ?? cbrError(404, '6105', 'The vault does not exist.');

  server.route('POST', '/v3/:project_id/policies', authed((request) => {
    const body = readWrapped(request, 'policy', FIELDS);
    if (isRefusal(body)) return body;
    const refusal = refuse(body, true);
    if (refusal) return refusal;
    const type = body.operation_type as SimPolicy['operation_type'];
    if ([...state.policies.values()].filter((p) => p.operation_type === type).length >= MAX_POLICIES) {
      return cbrError(400, '6001', 'The number of policies has reached the upper limit.');
    }
    const policy: SimPolicy = {
      id: newId(),
      name: body.name as string,
      enabled: (body.enabled as boolean | undefined) ?? true,
      operation_type: type,
      pattern: patternOf(body)!,
      triggerId: newId(),
      startMs: now(),
      operation_definition: { ...((body.operation_definition as Record<string, unknown> | undefined) ?? {}) },
      vaultIds: [],
    };
    state.policies.set(policy.id, policy);
    server.recordCreation('policy', policy.name);
    return { status: 200, body: { policy: policyJson(policy) } };
  }));

  server.route('GET', '/v3/:project_id/policies', authed((request) => {
    const q = request.query;
    const rows = [...state.policies.values()].filter(
      (p) => (!q.has('operation_type') || p.operation_type === q.get('operation_type')) && (!q.has('vault_id') || p.vaultIds.includes(q.get('vault_id')!)),
    );
    return { status: 200, body: { policies: rows.map(policyJson), count: rows.length } };
  }));

  server.route('GET', '/v3/:project_id/policies/:policy_id', authed((request) => {
    const policy = policyOr404(request.params.policy_id);
    return 'id' in policy ? { status: 200, body: { policy: policyJson(policy) } } : policy;
  }));

  // F.6: PUT takes the create fields but operation_type, all optional; a trigger or definition sent replaces the old one.
  server.route('PUT', '/v3/:project_id/policies/:policy_id', authed((request) => {
    const policy = policyOr404(request.params.policy_id);
    if (!('id' in policy)) return policy;
    const body = readWrapped(request, 'policy', FIELDS.filter((f) => f !== 'operation_type'));
    if (isRefusal(body)) return body;
    const refusal = refuse(body, false);
    if (refusal) return refusal;
    if (body.name !== undefined) policy.name = body.name as string;
    if (body.enabled !== undefined) policy.enabled = body.enabled as boolean;
    const pattern = patternOf(body);
    if (pattern) Object.assign(policy, { pattern, startMs: now() });
    if (body.operation_definition !== undefined) policy.operation_definition = { ...(body.operation_definition as Record<string, unknown>) };
    return { status: 200, body: { policy: policyJson(policy) } };
  }));

  server.route('DELETE', '/v3/:project_id/policies/:policy_id', authed((request) => {
    const policy = policyOr404(request.params.policy_id);
    if (!('id' in policy)) return policy;
    state.policies.delete(policy.id);
    return { status: 204 };
  }));

  /** The vault in the path and the policy in the body, or CBR's answer for either missing. */
  const binding = (request: SimRequest): { vault: SimVault; policy: SimPolicy } | SimResponse => {
    const vault = vaultOr404(request.params.vault_id);
    if (!('id' in vault)) return vault;
    const policyId = policyIdOf(request);
    if (typeof policyId !== 'string') return policyId;
    const policy = policyOr404(policyId);
    return 'id' in policy ? { vault, policy } : policy;
  };

  server.route('POST', '/v3/:project_id/vaults/:vault_id/associatepolicy', authed((request) => {
    const found = binding(request);
    if (!('vault' in found)) return found;
    const { vault, policy } = found;
    // F.2: one backup policy and one replication policy per vault.
    const other = [...state.policies.values()].find((p) => p.id !== policy.id && p.operation_type === policy.operation_type && p.vaultIds.includes(vault.id));
    if (other) return cbrError(400, '6127', 'The policy cannot be applied to this vault.');
    if (!policy.vaultIds.includes(vault.id)) policy.vaultIds.push(vault.id);
    return { status: 200, body: { associate_policy: { vault_id: vault.id, policy_id: policy.id } } };
  }));

  server.route('POST', '/v3/:project_id/vaults/:vault_id/dissociatepolicy', authed((request) => {
    const found = binding(request);
    if (!('vault' in found)) return found;
    const { vault, policy } = found;
    if (!policy.vaultIds.includes(vault.id)) return cbrError(404, '6002', 'The vault has no such policy.');
    policy.vaultIds = policy.vaultIds.filter((id) => id !== vault.id);
    return { status: 200, body: { dissociate_policy: { vault_id: vault.id, policy_id: policy.id } } };
  }));
}

function policyIdOf(request: SimRequest): string | SimResponse {
  const body = readBody(request);
  if (isRefusal(body)) return body;
  const id = isRecord(body) ? body.policy_id : undefined;
  return typeof id === 'string' ? id : invalid('policy_id is required');
}

function patternOf(body: Record<string, unknown>): string[] | null {
  const trigger = body.trigger;
  return isRecord(trigger) && isRecord(trigger.properties) && Array.isArray(trigger.properties.pattern) ? (trigger.properties.pattern as string[]) : null;
}

/** The first F.6 rule the body breaks (400 `.9900`); on create the required fields must be there. */
function refuse(body: Record<string, unknown>, creating: boolean): SimResponse | null {
  if ((creating || body.name !== undefined) && !(typeof body.name === 'string' && body.name.length >= 1 && body.name.length <= 64)) return invalid('name must be 1 to 64 characters');
  if (creating && body.operation_type !== 'backup' && body.operation_type !== 'replication') return invalid('operation_type must be backup or replication');
  if (body.enabled !== undefined && typeof body.enabled !== 'boolean') return invalid('enabled must be a boolean');
  if (creating || body.trigger !== undefined) {
    const pattern = patternOf(body);
    if (!pattern || pattern.length < 1 || pattern.length > MAX_PATTERNS) return invalid(`trigger.properties.pattern must hold 1 to ${MAX_PATTERNS} patterns`);
    const parsed = pattern.map(parsePattern);
    if (parsed.some((p) => p === null)) return invalid('trigger.properties.pattern holds an invalid rule');
    const minutes = parsed.map((p) => p!.hour * 60 + p!.minute).sort((a, b) => a - b);
    // F.6: the time points are at least an hour apart.
    const apart = minutes.map((m, i) => (i === 0 ? m + 1440 - minutes.at(-1)! : m - minutes[i - 1]!));
    if (minutes.length > 1 && Math.min(...apart) < 60) return invalid('backup times must be at least one hour apart');
  }
  const definition = body.operation_definition;
  if (definition === undefined) return null;
  if (!isRecord(definition)) return invalid('operation_definition must be an object');
  const unknown = Object.keys(definition).find((key) => !DEFINITION.includes(key));
  if (unknown !== undefined) return invalid(`invalid key ${unknown}`);
  for (const key of ['max_backups', 'retention_duration_days']) {
    const value = definition[key];
    if (value !== undefined && !(Number.isInteger(value) && (value === -1 || ((value as number) >= 1 && (value as number) <= 99_999)))) return invalid(`${key} must be -1 or 1 to 99999`);
  }
  for (const key of LONG_TERM) {
    const value = definition[key];
    if (value !== undefined && !(Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 100)) return invalid(`${key} must be 0 to 100`);
  }
  const set = (key: string) => definition[key] !== undefined && definition[key] !== -1;
  if (set('retention_duration_days') && (set('max_backups') || LONG_TERM.some(set))) return invalid('retention_duration_days excludes max_backups and the long-term counts');
  if (LONG_TERM.some(set) && !(typeof definition.timezone === 'string' && ZONE.test(definition.timezone))) return invalid('the long-term counts need timezone UTC±HH:MM');
  if (definition.timezone !== undefined && !(typeof definition.timezone === 'string' && ZONE.test(definition.timezone))) return invalid('timezone must be UTC±HH:MM');
  const full = definition.full_backup_interval;
  if (full !== undefined && !(Number.isInteger(full) && (full as number) >= -1 && (full as number) <= 100)) return invalid('full_backup_interval must be -1 to 100');
  return null;
}

export function policyJson(policy: SimPolicy): Record<string, unknown> {
  return {
    id: policy.id,
    name: policy.name,
    enabled: policy.enabled,
    operation_type: policy.operation_type,
    operation_definition: policy.operation_definition,
    trigger: { id: policy.triggerId, name: 'default', type: 'time', properties: { pattern: policy.pattern, start_time: cbrTime.offset(policy.startMs) } },
    associated_vaults: policy.vaultIds.map((vault_id) => ({ vault_id })),
  };
}
