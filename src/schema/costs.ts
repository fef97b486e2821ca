import type { FieldComplexityValue } from '@pothos/plugin-complexity';
import { GraphQLError, getNamedType, isListType, isNonNullType, isObjectType, type GraphQLOutputType, type GraphQLSchema } from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../domain/paging.js';
import { parseResourceId } from '../domain/ids.js';
import { REPORT_SCAN_PAGES } from '../domain/protection.js';
import { unsafeCharacterIn } from '../domain/text-hygiene.js';

/**
 * What each field may cost upstream, in vendor requests: the budget an operation is held to
 * (plugins/use-query-cost.ts) is the sum over its fields, counted with its variables, each field's
 * cost multiplied by how many times it can run (the page size of the connections above it). It is
 * an upper bound: a DataLoader batches the references of a page into one request per provider,
 * which is counted here as one request per reference.
 *
 * The costs are written as a table, not as options on each field, so that the whole model can be
 * read (and argued with) in one place; `unpricedFields` lists the fields that can reach a vendor
 * and are missing from it, and a test keeps that list empty.
 */

export interface CostContext {
  /** Providers of the tenant: a listing of all of them costs one request each. */
  providers: number;
  limits: { maxIds: number; maxFilterLength: number };
  /**
   * Price one event of a subscription instead of its start: the subscription's root field (the
   * watch and its current state, read once) is free then, and what the payload selects below the
   * event record is what every event costs.
   */
  perEvent?: boolean;
}

type Args = Record<string, unknown>;
type Cost = FieldComplexityValue | ((args: Args, ctx: CostContext) => FieldComplexityValue);

/** Lists whose length the vendor decides (storages, the backups of a VM backup) are counted as this long. */
export const ASSUMED_LIST_LENGTH = 10;
/** The copies of one backup: one per image store it was written to, rarely more than a primary and a DR copy. */
export const ASSUMED_COPIES = 3;

/** Refused arguments: too many ids, or a filter string too long or with control characters. */
export class ArgumentLimitError extends GraphQLError {
  constructor(argument: string, message: string) {
    super(message, { extensions: { code: 'BAD_USER_INPUT', argument } });
  }
}

const pageOf = (args: Args) => (typeof args.first === 'number' ? Math.max(0, args.first) : DEFAULT_PAGE_SIZE);

function capped(list: unknown, argument: string, ctx: CostContext): number {
  const length = Array.isArray(list) ? list.length : 0;
  if (length > ctx.limits.maxIds) throw new ArgumentLimitError(argument, `${argument} may hold at most ${ctx.limits.maxIds} ids`);
  return length;
}

function checkFilterString(value: unknown, argument: string, ctx: CostContext): void {
  if (typeof value !== 'string') return;
  if (value.length > ctx.limits.maxFilterLength) {
    throw new ArgumentLimitError(argument, `${argument} may be at most ${ctx.limits.maxFilterLength} characters`);
  }
  const unsafe = unsafeCharacterIn(value);
  if (unsafe) throw new ArgumentLimitError(argument, `${argument} holds ${unsafe}, a control or text-direction character`);
}

/**
 * Requests of one provider's newest-first page: ZStack sorts by whole seconds only, so a page whose
 * last second is cut costs a second request for that second's rows (providers/zstack/keyset.ts);
 * TaurusDB lists in no promised order, and narrows its time window once (taurusdb/newest-backups.ts).
 */
const NEWEST_FIRST_PAGE = 2;

/**
 * Requests of one provider's page under a filter some vendor cannot apply itself (statuses and
 * name on TaurusDB, most statuses on VBS): the gateway reads rows and keeps the matches, a scan of
 * up to this many vendor pages (1,000 to 10,000 rows). The operation's upstream budget stops a
 * longer scan with COST_LIMIT (infrastructure/upstream-budget.ts).
 */
export const SCAN_PAGES = 10;

/** Filters that at least one vendor leaves to the gateway. */
const scansIn = (filter: Args) => (Array.isArray(filter.statuses) && filter.statuses.length > 0) || (typeof filter.nameContains === 'string' && filter.nameContains !== '');

/** An offset listing across the tenant's providers: one request each, the page of results below it. */
const listing: Cost = (args, ctx) => ({ field: ctx.providers, multiplier: pageOf(args) });
/** Backups newest first across the tenant's providers. */
const newestFirstListing: Cost = (args, ctx) => ({ field: NEWEST_FIRST_PAGE * ctx.providers, multiplier: pageOf(args) });
/** One parent's backups, newest first (a volume's): per parent. */
const childListing: Cost = (args) => ({ field: NEWEST_FIRST_PAGE, multiplier: pageOf(args) });
/** A reference loaded by its DataLoader. */
const load: Cost = 1;
const MUTATION: Cost = 2;
/** A provider's policies: one call, or three on ZStack (job groups, jobs, triggers), read once per request. */
const POLICY_LISTING = 3;
/**
 * Some policies by their ids: four reads on ZStack (their job groups and jobs side by side, then the
 * groups' member jobs, then their triggers: providers/zstack/policies.ts readParts), on VBS the
 * policy listing and the tasks of each policy found (two for one id).
 */
const POLICY_BY_IDS = 4;

/**
 * What loading one node by its global id may cost, by the type the id names: a DataLoader load (one
 * request) unless listed here. Ids of several nodes cost the sum, an upper bound again (a batch of
 * one type shares its requests). An id that decodes to no type is refused before anything runs
 * (BAD_USER_INPUT), and one of a provider this tenant lacks resolves to null without a request:
 * both cost the minimum.
 */
export const BY_ID_COSTS: Record<string, number> = {
  BackupPolicy: POLICY_BY_IDS,
  // A job the gateway no longer holds is rebuilt from the vendor, two reads at most where one vendor
  // page holds it: a ZStack policy run reads its trigger's history, then the backups it made; a VBS
  // run its policy's tasks, then the backup; a CBR checkpoint the vault's backups, then its logs.
  Job: 2,
};
const LOAD_BY_ID = 1;

/**
 * The by-id cost of the node a global id names: `node` and `nodes` receive their ids decoded
 * (plugin-relay's globalID arguments, `{ typename, id }`), `_entities` as the client wrote them.
 */
export function byIdCost(globalId: unknown): number {
  const typename = typeof globalId === 'string' ? parseResourceId(globalId)?.typename : typenameOfDecoded(globalId);
  return (typename !== undefined ? BY_ID_COSTS[typename] : undefined) ?? LOAD_BY_ID;
}

const typenameOfDecoded = (id: unknown) =>
  typeof id === 'object' && id !== null && typeof (id as Args).typename === 'string' ? ((id as Args).typename as string) : undefined;

const idOfRepresentation = (representation: unknown) => (typeof representation === 'object' && representation !== null ? (representation as Args).id : undefined);
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
/** What the storages policies are bound to hold: one vault listing (CBR), read once per request. */
const HELD_READ = 1;
/**
 * A resource's protection, at most: its provider's policies (plus one read per row where the vendor
 * has no bulk read: TaurusDB), what the vaults they are bound to hold (CBR), and its newest AVAILABLE
 * backup, a scan where the vendor cannot filter on status itself. All are shared within a request,
 * so in a list this is an upper bound.
 */
const PROTECTION: Cost = POLICY_LISTING + HELD_READ + ASSUMED_LIST_LENGTH + SCAN_PAGES;

export const FIELD_COSTS: Record<string, Cost> = {
  'Query.backups': (args, ctx) => {
    const filter = (args.filter ?? {}) as Args;
    checkFilterString(filter.nameContains, 'filter.nameContains', ctx);
    capped(filter.providers, 'filter.providers', ctx);
    if (scansIn(filter)) return { field: SCAN_PAGES * ctx.providers, multiplier: pageOf(args) };
    return newestFirstListing(args, ctx) as FieldComplexityValue;
  },
  'Query.volumes': listing,
  'Query.snapshots': listing,
  'Query.backupGroups': listing,
  'Query.databaseInstances': listing,
  'Query.backupStorages': (_args, ctx) => ({ field: ctx.providers, multiplier: ASSUMED_LIST_LENGTH }),
  'Query.providers': (_args, ctx) => ({ field: 0, multiplier: ctx.providers }),
  'Query.node': (args) => byIdCost(args.id),
  'Query.nodes': (args, ctx) => {
    const ids = capped(args.ids, 'ids', ctx);
    return { field: sum((args.ids as unknown[]).slice(0, ids).map(byIdCost)), multiplier: ids };
  },
  'Query.job': (args) => byIdCost(args.id),
  'Query._entities': (args, ctx) => {
    const count = capped(args.representations, 'representations', ctx);
    return { field: sum((args.representations as unknown[]).slice(0, count).map((r) => byIdCost(idOfRepresentation(r)))), multiplier: count };
  },
  'Volume.backups': childListing,
  'Volume.snapshots': (args) => ({ field: 1, multiplier: pageOf(args) }),
  'DatabaseInstance.backups': childListing,
  'Backup.volume': load,
  'Backup.snapshot': load,
  'Backup.group': load,
  'Backup.source': load,
  'Backup.storageRefs': { field: 0, multiplier: ASSUMED_COPIES },
  'BackupStorageRef.backup': load,
  'BackupStorageRef.backupStorage': load,
  'BackupGroup.backups': { field: 1, multiplier: ASSUMED_LIST_LENGTH },
  'Snapshot.volume': load,
  'Snapshot.parent': load,
  'Job.resource': load,
  'Provider.healthy': 1,
  'CreateVolumeBackupSuccess.backup': load,
  'CreateVmBackupSuccess.group': load,
  'CreateVolumeSnapshotSuccess.snapshot': load,
  'CreateDatabaseBackupSuccess.backup': load,
  // Restores read what they check before the write (recovery-checks.ts): the backup and its target,
  // and for a point in time the instances and their restorable windows.
  'Mutation.restoreBackup': 3,
  'Mutation.restoreDatabaseToPointInTime': 4,
  'DatabaseInstance.restorableTimeRanges': 1,
  'RestoreBackupSuccess.backup': load,
  'RestoreBackupSuccess.target': 2,
  'RestoreVmBackupSuccess.group': load,
  'RevertVolumeToSnapshotSuccess.snapshot': load,
  'RevertVolumeToSnapshotSuccess.volume': 2,
  'RestoreDatabaseToPointInTimeSuccess.instance': load,
  // Reads the vault and where the disk is before the write (providers/huawei/cbr/protection.ts).
  // A policy write reads what it changes first (the policy by its id; on ZStack its group, jobs and
  // triggers, and the target volumes) beside its writes, which are priced by the mutation rate.
  ...Object.fromEntries(
    ['create', 'update', 'delete', 'attach', 'detach'].map((verb) => [`Mutation.${verb}BackupPolicy`, POLICY_BY_IDS + ASSUMED_LIST_LENGTH + MUTATION]),
  ),
  // A run reads the policy (on ZStack its member jobs too) and where the vendor's runs stand (ZStack's
  // newest history entry, VBS's backup tasks) before the write; its own job polls count as the write.
  'Mutation.runBackupPolicy': POLICY_BY_IDS + 2 + MUTATION,
  'Mutation.protectVolume': 3,
  'Mutation.unprotectVolume': 2,
  'ProtectVolumeSuccess.volume': load,
  'ProtectVolumeSuccess.backupStorage': load,
  'UnprotectVolumeSuccess.volume': load,
  'UnprotectVolumeSuccess.backupStorage': load,
  'BackupStorage.protectedVolumes': { field: 1, multiplier: ASSUMED_LIST_LENGTH },
  // Its provider's policies, read once per request (counted per storage as an upper bound).
  'BackupStorage.policies': { field: POLICY_LISTING, multiplier: ASSUMED_LIST_LENGTH },
  'Subscription.backupStatusChanged': (args, ctx) => {
    const filter = (args.filter ?? {}) as Args;
    capped(filter.providers, 'filter.providers', ctx);
    if (ctx.perEvent) return 0;
    // The current state of the watched backups: one listing per provider, or one lookup per id.
    return { field: filter.ids ? capped(filter.ids, 'filter.ids', ctx) : ctx.providers };
  },
  // The job as it stands, once; each event then carries the job itself.
  'Subscription.jobUpdated': (_args, ctx) => (ctx.perEvent ? 0 : 1),
  // A page of policies per provider, plus one policy read per row where the vendor has no bulk read
  // (TaurusDB: one GET per instance); the other vendors read a page in one or a few calls.
  'Query.backupPolicies': (args, ctx) => ({ field: POLICY_LISTING * ctx.providers + pageOf(args), multiplier: pageOf(args) }),
  'BackupPolicy.targets': { field: 1, multiplier: ASSUMED_LIST_LENGTH },
  // A resource's protection: its provider's policies (read once per request, counted here once per
  // resource as an upper bound) and its newest backup (one request alone, a shared walk in a list).
  'Volume.protection': PROTECTION,
  'DatabaseInstance.protection': PROTECTION,
  // Up to REPORT_SCAN_PAGES vendor pages of resources, per provider the policies (TaurusDB: one read
  // per instance of a page), what their vaults hold (CBR) and the newest-backup walks of both kinds, assumed ASSUMED_LIST_LENGTH pages each.
  'Query.protectionReport': (args, ctx) => ({
    field: REPORT_SCAN_PAGES + ctx.providers * (POLICY_LISTING + HELD_READ + MAX_PAGE_SIZE + 2 * ASSUMED_LIST_LENGTH),
    multiplier: pageOf(args),
  }),
};

/** Every mutation costs its vendor call and the lookups before it. */
const costOf = (typeName: string, fieldName: string, isMutation: boolean): Cost | undefined =>
  FIELD_COSTS[`${typeName}.${fieldName}`] ?? (isMutation ? MUTATION : undefined);

/**
 * Writes the table into the schema's field extensions, where @pothos/plugin-complexity's
 * calculator reads it. Every other field is free (it reads what its parent holds), and every list
 * counts once unless the table says otherwise.
 */
export function applyCosts(schema: GraphQLSchema): void {
  const mutation = schema.getMutationType();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const cost = costOf(type.name, field.name, type === mutation) ?? { field: 0, multiplier: 1 };
      const complexity = typeof cost === 'function' ? (args: Args, ctx: object) => cost(args, ctx as CostContext) : cost;
      (field as { extensions: object }).extensions = { ...field.extensions, complexity };
    }
  }
}

const VENDOR_TYPES = new Set([
  'Volume',
  'Snapshot',
  'Backup',
  'BackupGroup',
  'BackupStorage',
  'DatabaseInstance',
  'BackupPolicy',
  'Job',
  'Node',
  'BackupSource',
  'PolicyTarget',
  '_Entity',
]);

function reachesVendor(type: GraphQLOutputType): boolean {
  const named = getNamedType(type);
  return VENDOR_TYPES.has(named.name) || named.name.endsWith('Connection') || (isListType(isNonNullType(type) ? type.ofType : type) && isObjectType(named));
}

/** Fields that return a vendor record, a list or a connection and have no cost in the table. */
export function unpricedFields(schema: GraphQLSchema): string[] {
  const mutation = schema.getMutationType();
  const unpriced: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || type.name.endsWith('Edge') || type.name.endsWith('Connection')) continue;
    for (const field of Object.values(type.getFields())) {
      if (reachesVendor(field.type) && !costOf(type.name, field.name, type === mutation) && !isFree(`${type.name}.${field.name}`)) {
        unpriced.push(`${type.name}.${field.name}`);
      }
    }
  }
  return unpriced;
}

/**
 * Fields that read a vendor listing (a priced connection or list of records) — `Volume.backups`,
 * `BackupGroup.backups` ...: they need the `read` scope wherever they appear, a mutation's success
 * payload included, so that a key that may only create or delete cannot list through it.
 */
export function listingFields(schema: GraphQLSchema): Set<string> {
  const listings = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const name = `${type.name}.${field.name}`;
      const unwrapped = isNonNullType(field.type) ? field.type.ofType : field.type;
      const lists = getNamedType(field.type).name.endsWith('Connection') || (isListType(unwrapped) && isObjectType(getNamedType(field.type)));
      if (lists && FIELD_COSTS[name] !== undefined && !isFreeOfRequests(FIELD_COSTS[name])) listings.add(name);
    }
  }
  return listings;
}

/** A cost that sends nothing itself (the copies a backup record already holds, the configured providers). */
const isFreeOfRequests = (cost: Cost) => typeof cost === 'object' && cost.field === 0;

/**
 * Fields of a vendor type that read only what their parent already holds (a mutation's job comes
 * from the tracker, a policy mutation answers with the policy the vendor now holds, a protection
 * holds the policies it was computed from).
 */
const isFree = (name: string) => ['BackupStatusEvent.backup', 'Protection.policies'].includes(name) || /Success\.(jobs?|policy)$/.test(name);
