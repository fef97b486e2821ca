import type { HTTPMethod } from 'find-my-way';
import type { SimRequest, SimResponse, SimulatorServer } from '../kit/index.js';
import { RestShapeError, ZStackApiError } from './errors.js';
import type { JobRunner, JobWork } from './jobs.js';
import { buildSchema, type SchemaClasses } from './schema.js';
import { useSession } from './sessions.js';
import type { SessionRecord, ZStackState } from './state.js';

/**
 * ZStack's RestServer (zstack.md §1–§4, §6): picks the API for a path, checks the Authorization header,
 * binds parameters, and answers sync APIs directly and async APIs with 202 + a job location.
 */

const CONTEXT_PATH = '/zstack';
const API_VERSION = '/v1';
/**
 * The job location names the management node, which a client usually cannot reach under that name: all
 * official SDKs rewrite it to their configured endpoint (zstack.md §10). `.invalid` never resolves, so a
 * client that forgets to rewrite fails loudly here too.
 */
export const JOB_LOCATION_BASE = 'http://zstack-mn.invalid:8080/zstack/v1/api-jobs/';

export interface ApiCall {
  request: SimRequest;
  /** Variables of the URL template, e.g. `volumeUuid`. */
  vars: Record<string, string>;
  /** The API message's fields: `body[parameterName]` for POST/PUT, declared query parameters for GET/DELETE. */
  params: Record<string, unknown>;
  /** The API pipeline's session check: ID.1001 for a bad session, else renews it. */
  requireSession(): SessionRecord;
}

type ParamType = 'string' | 'integer' | 'boolean' | 'list';

interface ApiCommon {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Action APIs (PUT): the body key naming the API, e.g. `syncVmBackup`. */
  action?: string;
  /** `@SuppressCredentialCheck`: no Authorization header needed. */
  noCredentials?: boolean;
  /** Declared fields whose type the REST layer verifies; the only ones read from a GET/DELETE query string. */
  paramTypes?: Readonly<Record<string, ParamType>>;
  /** Classes for the `schema` member, sent when the request had X-JSON-Schema. */
  schema?: SchemaClasses;
}

export interface SyncApi extends ApiCommon {
  kind: 'sync';
  /** Query APIs: always carry `schema`, and RestServer reads no X-Job-UUID for them. */
  query?: boolean;
  run(call: ApiCall): Record<string, unknown>;
}

export interface AsyncApi extends ApiCommon {
  kind: 'async';
  api: string;
  /** The API's timeout in ms, echoed as `apiTimeout` (ApiTimeoutManager: 30 min unless @DefaultTimeout). */
  timeoutMs: number;
  start(call: ApiCall): JobWork;
}

export type ApiDefinition = SyncApi | AsyncApi;

const ALL_METHODS: HTTPMethod[] = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'];
export const DEFAULT_API_TIMEOUT_MS = 30 * 60_000;

export interface RestContext {
  server: SimulatorServer;
  state: ZStackState;
  jobs: JobRunner;
  sessionTimeoutMs: number;
}

function text(status: number, body: string): SimResponse {
  return { status, body };
}

/** The path without the servlet context, as RestServer reports it (`/v1/...`). */
function apiPathOf(path: string): string {
  return path.startsWith(`${CONTEXT_PATH}/`) ? path.slice(CONTEXT_PATH.length) : path;
}

/** handleNonUniqueApi: several APIs share the path, so the method (and for PUT the body key) picks one. */
function pickApi(apis: readonly ApiDefinition[], request: SimRequest, body: Record<string, unknown> | null): ApiDefinition {
  if (apis.length === 1) return apis[0]!; // handleUniqueApi does not look at the method at all
  const uri = request.path;
  const byMethod = (method: string, label: string) => {
    const api = apis.find((candidate) => candidate.method === method);
    if (!api) throw new RestShapeError(500, `No ${label} API found for the path[${uri}]`);
    return api;
  };
  switch (request.method) {
    case 'POST':
      return byMethod('POST', 'creational');
    case 'GET':
      return byMethod('GET', 'query');
    case 'DELETE':
      return byMethod('DELETE', 'delete');
    case 'PUT': {
      const api = apis.find((candidate) => candidate.action !== undefined && body !== null && candidate.action in body);
      if (!api) throw new RestShapeError(400, `the body doesn't contain action mapping to the URL[${apiPathOf(uri)}]`);
      return api;
    }
    default:
      throw new RestShapeError(405, `The method[${request.method}] is not allowed for the path[${uri}]`);
  }
}

function parseBody(request: SimRequest): Record<string, unknown> | null {
  const parsed = request.json();
  if (parsed === undefined || parsed === null) return null;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new RestShapeError(500, 'the body is not a JSON object');
  return parsed as Record<string, unknown>;
}

/** TypeVerifier: integer and boolean fields are checked on their string form before binding. */
function verifyType(field: string, type: ParamType | undefined, value: unknown): void {
  if (value === undefined || value === null) return;
  const source = String(value);
  if (type === 'boolean' && !/^(true|false)$/i.test(source)) {
    throw new RestShapeError(400, `Invalid value for boolean field [${field}], [${source}] is not a valid boolean string[true, false].`);
  }
  if (type === 'integer') {
    const number = Number(source);
    if (source.trim() === '' || !Number.isFinite(number) || number !== Math.floor(number)) {
      throw new RestShapeError(400, `[${field}] field is excepted an int or long, but was [${source}].`);
    }
  }
}

/** GET/DELETE: declared fields from the query string; lists as `k=a&k=b` or `k.0=a&k.1=b`. */
function queryParams(query: URLSearchParams, types: Readonly<Record<string, ParamType>>): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const indexed = new Map<string, [number, string][]>();
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key);
    const dot = key.indexOf('.');
    if (dot > 0 && types[key.slice(0, dot)] === 'list' && /^\d+$/.test(key.slice(dot + 1))) {
      const name = key.slice(0, dot);
      indexed.set(name, [...(indexed.get(name) ?? []), ...values.map((value): [number, string] => [Number(key.slice(dot + 1)), value])]);
      continue;
    }
    const type = types[key];
    if (type === undefined) continue; // unknown parameters are ignored (with a warning, on a real server)
    if (type === 'list') {
      params[key] = values;
      continue;
    }
    if (values.length > 1) {
      throw new RestShapeError(400, `Invalid query parameter[${key}], only one value is allowed for the parameter but multiple values found`);
    }
    verifyType(key, type, values[0]);
    params[key] = type === 'boolean' ? values[0]!.toLowerCase() === 'true' : values[0];
  }
  for (const [name, entries] of indexed) params[name] = entries.sort(([a], [b]) => a - b).map(([, value]) => value);
  return params;
}

function bodyParams(
  body: Record<string, unknown> | null,
  parameterName: string,
  types: Readonly<Record<string, ParamType>>,
): Record<string, unknown> {
  const parameter = body?.[parameterName];
  if (parameter === undefined || parameter === null) return {};
  if (typeof parameter !== 'object' || Array.isArray(parameter)) {
    throw new RestShapeError(500, `the member[${parameterName}] of the body is not a JSON object`);
  }
  const params = parameter as Record<string, unknown>;
  for (const [field, type] of Object.entries(types)) verifyType(field, type, params[field]);
  return params;
}

function sessionUuidOf(request: SimRequest): string {
  const header = request.headers.authorization;
  if (header === undefined) throw new RestShapeError(400, "missing header 'Authorization'");
  const auth = header.trim();
  if (!auth.startsWith('OAuth')) throw new RestShapeError(400, "Authorization type must be 'OAuth'");
  return auth.replace('OAuth', '').trim();
}

/** Registers the APIs ZStack serves under one URL template such as `/volumes/{volumeUuid}/volume-backups`. */
export function registerPath(context: RestContext, template: string, apis: readonly ApiDefinition[]): void {
  const routePath = `${CONTEXT_PATH}${API_VERSION}${template.replace(/\{(\w+)\}/g, ':$1')}`;
  context.server.route(ALL_METHODS, routePath, (request) => {
    try {
      return handleApi(context, apis, request);
    } catch (error) {
      if (error instanceof RestShapeError) return text(error.status, error.text);
      if (error instanceof SyntaxError) return text(500, error.message);
      throw error;
    }
  });
}

function handleApi(context: RestContext, apis: readonly ApiDefinition[], request: SimRequest): SimResponse {
  const body = parseBody(request);
  const api = pickApi(apis, request, body);
  const sessionUuid = api.noCredentials ? null : sessionUuidOf(request);
  const types = api.paramTypes ?? {};
  const params =
    request.method === 'GET' || request.method === 'DELETE' ? queryParams(request.query, types) : bodyParams(body, api.action ?? 'params', types);
  const vars = Object.fromEntries(Object.entries(request.params).filter((entry): entry is [string, string] => entry[1] !== undefined));
  // URL variables take precedence over body fields.
  Object.assign(params, vars);
  const call: ApiCall = {
    request,
    vars,
    params,
    requireSession: () => {
      if (sessionUuid === null) throw new Error('this API has no session to check');
      return useSession(context.state, sessionUuid, context.sessionTimeoutMs);
    },
  };
  const wantsSchema = request.headers['x-json-schema'] !== undefined;
  const decorate = (result: Record<string, unknown>, always = false) =>
    api.schema && (always || wantsSchema) ? { ...result, schema: buildSchema(result, api.schema) } : result;

  if (api.kind === 'sync') {
    // RestServer checks the header's form on every API but the queries; only async calls keep the uuid.
    if (!api.query) jobUuidOf(context, request, false);
    try {
      return { status: 200, body: decorate(api.run(call), api.query) };
    } catch (error) {
      if (error instanceof ZStackApiError) return { status: 503, body: { error: error.error } };
      throw error;
    }
  }

  const jobUuid = jobUuidOf(context, request, true);
  const apiTimeout = apiTimeoutOf(request, api);
  const webhook = request.headers['x-web-hook'];
  context.jobs.submit({
    uuid: jobUuid,
    api: api.api,
    webhook: typeof webhook === 'string' ? webhook : undefined,
    start: () => {
      call.requireSession();
      return api.start(call);
    },
    decorate: (result) => decorate(result),
  });
  return { status: 202, body: { location: `${JOB_LOCATION_BASE}${jobUuid}`, apiTimeout } };
}

/** X-API-Timeout (seconds) overrides the API's own timeout; RestServer parses it with Long.parseLong. */
function apiTimeoutOf(request: SimRequest, api: AsyncApi): number {
  const header = request.headers['x-api-timeout'];
  if (typeof header !== 'string') return api.timeoutMs;
  if (!/^[+-]?\d+$/.test(header)) throw new RestShapeError(500, `For input string: "${header}"`);
  return Number(header) * 1000;
}

/** The message id: X-Job-UUID when sent (checked for every non-query API), else a new one. */
function jobUuidOf(context: RestContext, request: SimRequest, storesJob: boolean): string {
  const header = request.headers['x-job-uuid'];
  if (typeof header !== 'string') return context.state.nextUuid('job');
  if (header.length !== 32) throw new RestShapeError(400, "Invalid header[X-Job-UUID], it must be a UUID with '-' stripped");
  // Only async calls leave a job record (AsyncRestVO) that a reused uuid can collide with.
  if (storesJob && ['POST', 'PUT', 'DELETE'].includes(request.method) && context.state.jobs.has(header)) {
    throw new RestShapeError(400, `Duplicate job uuid[${header}]`);
  }
  return header;
}

/** RestServer#handleJobQuery: no credential check, GET only. */
export function registerJobQuery(context: RestContext): void {
  context.server.route(ALL_METHODS, `${CONTEXT_PATH}${API_VERSION}/api-jobs/:uuid`, (request) => {
    if (request.method !== 'GET') return text(405, 'only GET method is allowed for querying job status');
    const job = context.state.jobs.get(request.params.uuid ?? '');
    if (!job) return text(404, 'the job has been expired');
    if (job.state === 'processing') return { status: 202, body: {} };
    return { status: job.httpStatus!, body: job.body };
  });
}

/** Unknown path: RestServer answers 404 in plain text. */
export function notFound(request: SimRequest): SimResponse {
  return text(404, `no api mapping to ${apiPathOf(request.path)}`);
}
