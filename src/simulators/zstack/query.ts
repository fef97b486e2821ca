import { parseTimestampValue, parseZStackDate } from './dates.js';
import { argError, errorCode, RestShapeError, ZStackApiError } from './errors.js';

/**
 * ZStack's Query API (zstack.md §5): RestServer#handleQueryApi turns the query string into conditions,
 * MysqlQueryBuilderImpl3 validates and runs them. This module does both over in-memory rows.
 */

export type QueryOp = '=' | '!=' | '>' | '<' | '>=' | '<=' | 'in' | 'not in' | 'like' | 'not like' | 'is null' | 'is not null';

export interface QueryCondition {
  name: string;
  op: QueryOp;
  value?: string;
}

export interface QueryRequest {
  conditions: QueryCondition[];
  limit: number;
  start: number;
  count: boolean;
  replyWithCount: boolean;
  sortBy?: string;
  sortDirection: 'asc' | 'desc';
  fields?: string[];
}

/** What a query may touch on one inventory class. */
export interface InventoryShape {
  className: string;
  /** Primitive (non-list) fields: conditions, `sort` and `fields` may name them. */
  fields: readonly string[];
  /** List fields of sub-inventories, usable in conditions as `list.field`. */
  nested?: Readonly<Record<string, InventoryShape>>;
}

/** Substring search order of RestServer.QUERY_OP_MAPPING: an operator sits after any operator containing it. */
const OPERATORS: readonly (readonly [string, QueryOp])[] = [
  ['!=', '!='],
  ['>=', '>='],
  ['<=', '<='],
  ['!?=', 'not in'],
  ['!~=', 'not like'],
  ['~=', 'like'],
  ['?=', 'in'],
  ['=', '='],
  ['>', '>'],
  ['<', '<'],
  ['is null', 'is null'],
  ['not null', 'is not null'],
];

const DEFAULT_LIMIT = 1000;
const DATE_FIELDS = new Set(['createDate', 'lastOpDate', 'expiredDate', 'lastAttachDate', 'lastDetachDate']);

function parseInteger(name: string, value: string): number {
  // Integer.valueOf: optional sign, decimal digits, 32-bit range.
  const parsed = /^[+-]?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(parsed) || parsed > 2 ** 31 - 1 || parsed < -(2 ** 31)) {
    throw new RestShapeError(400, `Invalid query parameter. '${name}' must be an integer`);
  }
  return parsed;
}

function parseCondition(text: string): QueryCondition {
  const found = OPERATORS.find(([token]) => text.includes(token));
  if (!found) {
    throw new RestShapeError(
      400,
      `Invalid query parameter. The '${text}' in the parameter[q] doesn't contain any query operator. Valid query operators are [${OPERATORS.map(([token]) => token).join(', ')}]`,
    );
  }
  const [token, op] = found;
  const at = text.indexOf(token);
  const name = text.slice(0, at).trim();
  if (op === 'is null' || op === 'is not null') return { name, op };
  const value = text.slice(at + token.length);
  // StringUtils.splitByWholeSeparator drops empty tokens, so an empty side means "not a pair".
  if (text.slice(0, at) === '' || value === '') {
    throw new RestShapeError(400, `Invalid query parameter. The '${text}' in parameter[q] is not a key-value pair split by ${op}`);
  }
  // The value is not trimmed: a space is valid in some conditions.
  return { name, op, value };
}

/** A query with these conditions and every other parameter at its default. */
export function queryRequest(conditions: QueryCondition[] = []): QueryRequest {
  return { conditions, limit: DEFAULT_LIMIT, start: 0, count: false, replyWithCount: false, sortDirection: 'asc' };
}

/** The query string of `GET /v1/<resources>` as RestServer#handleQueryApi reads it. */
export function parseQueryParams(query: URLSearchParams): QueryRequest {
  const request = queryRequest();
  for (const rawName of new Set(query.keys())) {
    const name = rawName.trim();
    const values = query.getAll(rawName);
    const first = values[0]!.trim();
    if (name === 'limit') request.limit = parseInteger('limit', first);
    else if (name === 'start') request.start = parseInteger('start', first);
    else if (name === 'count') request.count = first.toLowerCase() === 'true';
    else if (name === 'replyWithCount') request.replyWithCount = first.toLowerCase() === 'true';
    else if (name === 'sort') {
      request.sortDirection = first.startsWith('-') ? 'desc' : 'asc';
      request.sortBy = first.replace(/^[+-]+/, '');
    } else if ('q'.startsWith(name)) {
      // Quirk kept from RestServer: any name that is a prefix of "q" (also "") carries conditions.
      request.conditions.push(...values.map(parseCondition));
    } else if (name === 'fields') {
      request.fields = first.split(',').map((field) => field.trim());
    }
  }
  return request;
}

type Comparable = string | number | boolean;

function valueParseError(value: string, reason: string): ZStackApiError {
  return new ZStackApiError(errorCode('SYS.1000', `failed to parse value[${value}], error: [${reason}]`));
}

/** MysqlQueryBuilderImpl3#doNormalizeValue: the condition text as the field's Java type. */
function normalize(field: string, sample: unknown, value: string, timeZone: string): Comparable {
  if (DATE_FIELDS.has(field)) {
    const epoch = parseTimestampValue(value, timeZone);
    if (epoch === null) throw valueParseError(value, 'Timestamp format must be yyyy-mm-dd hh:mm:ss[.fffffffff]');
    return epoch;
  }
  if (typeof sample === 'number') {
    const parsed = /^[+-]?\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
    if (Number.isNaN(parsed)) throw valueParseError(value, `For input string: "${value}"`);
    return parsed;
  }
  if (typeof sample === 'boolean') return value.toLowerCase() === 'true';
  return value;
}

function comparableOf(field: string, raw: unknown, timeZone: string): Comparable | null {
  if (raw === undefined || raw === null) return null;
  if (DATE_FIELDS.has(field) && typeof raw === 'string') return parseZStackDate(raw, timeZone);
  return raw as Comparable;
}

/**
 * ZStack's tables are `DEFAULT CHARSET=utf8` (conf/db/V0.6__schema.sql), so MySQL compares them with
 * utf8_general_ci: LIKE ignores case.
 */
function likeToRegExp(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index]!;
    if (char === '\\' && index + 1 < pattern.length) {
      index += 1;
      source += pattern[index]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (char === '%') source += '[\\s\\S]*';
    else if (char === '_') source += '[\\s\\S]';
    else source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'i');
}

function compare(a: Comparable, b: Comparable): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** SQL semantics: a NULL column satisfies only `is null`. */
function test(condition: QueryCondition, field: string, raw: unknown, timeZone: string): boolean {
  const actual = comparableOf(field, raw, timeZone);
  if (condition.op === 'is null') return actual === null;
  if (condition.op === 'is not null') return actual !== null;
  if (actual === null) return false;
  const value = condition.value!;
  switch (condition.op) {
    case 'in':
    case 'not in': {
      const items = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
      const listed = (items.length ? items : ['']).some((item) => compare(actual, normalize(field, raw, item, timeZone)) === 0);
      return condition.op === 'in' ? listed : !listed;
    }
    case 'like':
    case 'not like': {
      const matches = likeToRegExp(value).test(String(raw));
      return condition.op === 'like' ? matches : !matches;
    }
    default: {
      const order = compare(actual, normalize(field, raw, value, timeZone));
      if (condition.op === '=') return order === 0;
      if (condition.op === '!=') return order !== 0;
      if (condition.op === '>') return order > 0;
      if (condition.op === '<') return order < 0;
      if (condition.op === '>=') return order >= 0;
      return order <= 0;
    }
  }
}

function noSuchField(name: string, shape: InventoryShape): ZStackApiError {
  return argError(`condition name[${name}] is invalid, no such field on inventory class[${shape.className}]`);
}

function matcherFor(condition: QueryCondition, shape: InventoryShape, timeZone: string): (row: Record<string, unknown>) => boolean {
  const dot = condition.name.indexOf('.');
  if (dot < 0) {
    if (!shape.fields.includes(condition.name)) throw noSuchField(condition.name, shape);
    return (row) => test(condition, condition.name, row[condition.name], timeZone);
  }
  const listField = condition.name.slice(0, dot);
  const subField = condition.name.slice(dot + 1);
  const subShape = shape.nested?.[listField];
  if (!subShape) throw noSuchField(condition.name, shape);
  if (!subShape.fields.includes(subField)) throw noSuchField(subField, subShape);
  // A join: the row matches when one of its sub-inventories does.
  return (row) => {
    const items = (row[listField] as Record<string, unknown>[] | undefined) ?? [];
    return items.some((item) => test(condition, subField, item[subField], timeZone));
  };
}

function entityClassOf(shape: InventoryShape): string {
  return shape.className.replace(/Inventory$/, 'VO');
}

export interface QueryResult {
  inventories?: Record<string, unknown>[];
  total?: number;
}

/** Runs a parsed query over `rows` (in table order) the way ZStack's query builder does. */
export function runQuery(rows: readonly object[], request: QueryRequest, shape: InventoryShape, timeZone: string): QueryResult {
  const matchers = request.conditions.map((condition) => matcherFor(condition, shape, timeZone));
  const { sortBy, fields } = request;
  if (sortBy !== undefined && !shape.fields.includes(sortBy)) {
    throw new ZStackApiError(errorCode('SYS.1000', `illegal sortBy[${sortBy}], entity[${entityClassOf(shape)}] doesn't have this field`));
  }
  for (const field of fields ?? []) {
    if (!shape.fields.includes(field)) {
      const simpleName = shape.className.slice(shape.className.lastIndexOf('.') + 1);
      throw argError(
        `field[${field}] is not a primitive of the inventory ${simpleName}; you cannot specify it in the parameter 'fields';valid fields are [${shape.fields.join(', ')}]`,
      );
    }
  }

  const matched = (rows as Record<string, unknown>[]).filter((row) => matchers.every((matches) => matches(row)));
  if (request.count) return { total: matched.length };

  if (sortBy !== undefined) {
    const direction = request.sortDirection === 'desc' ? -1 : 1;
    matched.sort((a, b) => {
      const left = comparableOf(sortBy, a[sortBy], timeZone);
      const right = comparableOf(sortBy, b[sortBy], timeZone);
      // MySQL orders NULL first when ascending.
      if (left === null || right === null) return direction * ((left === null ? 0 : 1) - (right === null ? 0 : 1));
      return direction * compare(left, right);
    });
  }
  const page = matched.slice(Math.max(0, request.start), Math.max(0, request.start) + Math.max(0, request.limit));
  const inventories = fields ? page.map((row) => Object.fromEntries(fields.filter((f) => row[f] !== undefined).map((f) => [f, row[f]]))) : page;
  return request.replyWithCount ? { inventories, total: matched.length } : { inventories };
}
