import { getNamedType, getNullableType, isEnumType, isInputObjectType, isListType, isObjectType, type GraphQLField, type GraphQLInputType, type GraphQLSchema } from 'graphql';
import { decodeGlobalId, encodeGlobalId, splitLocalId } from '../../src/domain/ids.js';

/**
 * Argument values generated from the schema's types, filled from one coherent set of records read
 * from the simulators (a backup, its volume, a snapshot of that volume …), so that a field added to
 * the schema gets values without anyone writing them:
 * - an id names the node type its name says (`volumeId`, `rootVolumeId` → Volume, `instanceId` →
 *   DatabaseInstance, `providers` → the Provider of the subject's sample), a bare `id` the subject:
 *   the node type the field returns or its input is about (`DeleteSnapshotInput` → Snapshot);
 * - a string or enum takes the subject sample's field of the same name (`statuses` → its status,
 *   `nameContains` → its name), so that filters match the sample;
 * - times bracket every sample (`…After` long ago, any other far ahead), numbers are small.
 * A name or scalar no rule reads fails the test naming it, so a new kind is decided once, here.
 */

export interface SampleRecord {
  id: string;
  /** The global id of the record's provider. */
  providerId: string;
  /** Its leaf fields (name, status, kind …). */
  fields: Record<string, unknown>;
}

/** A real record per node type (`Node` for a node of any type), and what the sample backup was made from. */
export interface SampleRecords {
  byType: Record<string, SampleRecord>;
  sourceId: string;
}

/**
 * `real`: ids of existing records (queries, subscriptions). `missing`: well-formed ids of the
 * right type naming nothing, so that a mutation fails the same typed way however it is written and
 * creates, deletes or restores nothing.
 */
export type IdMode = 'real' | 'missing';

/** Id stems that are not the name, or the last word of the name, of a node type. */
const ID_STEMS: Record<string, string> = { ImageStore: 'BackupStorage' };
/** Id stems naming whatever the sample backup was made from. */
const SOURCE_STEMS = new Set(['Source', 'Target']);

export function argumentValues(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>, samples: SampleRecords, mode: IdMode): Record<string, unknown> {
  const nodeTypes = schema
    .getPossibleTypes(schema.getType('Node') as never)
    .map((type) => type.name)
    .concat('Node');
  const sampleOf = (type: string | undefined, what: string): SampleRecord => {
    const sample = type === undefined ? undefined : samples.byType[type];
    if (!sample) throw new Error(`No sample record says what ${what} refers to: add a rule or a sample to test/gateway/sample-values.ts`);
    return sample;
  };

  const idFor = (name: string, subject: string | undefined): string => {
    const stem = capitalise(name.replace(/Ids?$/, '').replace(/^ids?$/, '').replace(/s$/, ''));
    if (stem === '') return idIn(mode, sampleOf(subject, `the bare id "${name}"`).id);
    if (stem === 'Provider') return idIn(mode, (samples.byType[subject ?? ''] ?? sampleOf('Provider', name)).providerId);
    if (SOURCE_STEMS.has(stem)) return idIn(mode, samples.sourceId);
    const lastWord = /[A-Z][a-z]*$/.exec(stem)?.[0] ?? stem;
    const type = ID_STEMS[stem] ?? nodeTypes.find((candidate) => candidate === stem) ?? nodeTypes.find((candidate) => candidate.endsWith(lastWord));
    return idIn(mode, sampleOf(type, `an id named "${name}"`).id);
  };

  const valueOf = (type: GraphQLInputType, name: string, subject: string | undefined): unknown => {
    const nullable = getNullableType(type);
    if (isListType(nullable)) return [valueOf(nullable.ofType as GraphQLInputType, name, subject)];
    if (isInputObjectType(nullable)) {
      const inner = subjectOf(nullable.name, nodeTypes) ?? subject;
      return Object.fromEntries(Object.values(nullable.getFields()).map((input) => [input.name, valueOf(input.type, input.name, inner)]));
    }
    const fromSample = sampleField(samples.byType[subject ?? ''], name);
    if (isEnumType(nullable)) return nullable.getValues().find((value) => value.value === fromSample)?.value ?? nullable.getValues()[0]!.value;
    switch (nullable.name) {
      case 'ID':
        return idFor(name, subject);
      case 'String':
        return typeof fromSample === 'string' ? fromSample : `conformance-${name}`;
      case 'Int':
        return 2;
      case 'SafeInt':
        return 10_485_760;
      case 'Float':
        return 1.5;
      case 'Boolean':
        return true;
      case 'DateTime':
        return /After$|From$/.test(name) ? '2000-01-01T00:00:00.000Z' : '2099-01-01T00:00:00.000Z';
      case '_Any':
        return { __typename: 'Backup', id: idFor('backupId', subject) };
      default:
        throw new Error(`No sample value for scalar ${nullable.name} (argument ${name}): add one to test/gateway/sample-values.ts`);
    }
  };

  const subject = subjectOf(getNamedType(field.type).name, nodeTypes);
  return Object.fromEntries(field.args.map((arg) => [arg.name, valueOf(arg.type, arg.name, subject)]));
}

/** The sample's field an argument is about: `status` for `statuses`, `name` for `nameContains`. */
function sampleField(sample: SampleRecord | undefined, name: string): unknown {
  if (!sample) return undefined;
  const singular = name.replace(/(s|es)$/, '');
  const firstWord = /^[a-z]+/.exec(name)?.[0] ?? name;
  return [name, singular, name.replace(/s$/, ''), firstWord].map((key) => sample.fields[key]).find((value) => value !== undefined && value !== null);
}

/** The node type a type is about: `BackupConnection`, `DeleteBackupInput`, `BackupStatusFilter` → Backup. */
function subjectOf(typeName: string, nodeTypes: readonly string[]): string | undefined {
  const stem = typeName.replace(/(Input|Filter|Connection|Result|Event)$/, '');
  const longestFirst = [...nodeTypes].sort((a, b) => b.length - a.length);
  return longestFirst.find((type) => stem === type) ?? longestFirst.find((type) => stem.endsWith(type)) ?? longestFirst.find((type) => stem.startsWith(type));
}

function idIn(mode: IdMode, id: string): string {
  if (mode === 'real') return id;
  const { typename, id: local } = decodeGlobalId(id);
  const providerKey = splitLocalId(local)?.providerKey;
  return encodeGlobalId(typename, providerKey ? `${providerKey}:conformance-missing` : 'conformance-missing');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Whether a field answers a connection (has `pageInfo`), so that its `after` needs a real cursor. */
export function isConnection(field: GraphQLField<unknown, unknown>): boolean {
  const type = getNamedType(field.type);
  return isObjectType(type) && 'pageInfo' in type.getFields();
}
