import { TransportError, VendorError } from '../../../domain/errors.js';
import type { UpstreamHttp, UpstreamRequest, UpstreamResponse } from '../../../infrastructure/upstream-http.js';
import type { UpstreamIdentity } from '../../../infrastructure/upstream-telemetry.js';
import type { ProviderKey } from '../../../domain/provider.js';
import { authorize, type HuaweiAuth } from './authorize.js';
import { IamError } from './iam.js';
import { encodeQuery } from './signer.js';

/**
 * One authenticated call to a Huawei service, shared by every Huawei client: signs or adds the IAM
 * token, retries once with a fresh token when the service says 401, and turns any non-2xx answer
 * into a VendorError that keeps the vendor's code and HTTP status.
 */

export interface HuaweiCall {
  providerKey: ProviderKey;
  method: UpstreamRequest['method'];
  /** Path below the endpoint, already holding validated (URL-safe) ids. */
  path: string;
  query?: Record<string, string | string[] | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as X-Project-Id with AK/SK signing (huawei.md A.0); a token already names its project. */
  projectId?: string;
}

export interface HuaweiResponse<T> {
  status: number;
  headers: UpstreamResponse['headers'];
  /** The parsed JSON body; `undefined` when the answer had none (e.g. 202 on delete). */
  body: T;
}

export async function huaweiRequest<T = unknown>(http: UpstreamHttp, auth: HuaweiAuth, call: HuaweiCall): Promise<HuaweiResponse<T>> {
  const query = definedEntries(call.query ?? {});
  const body = call.body === undefined ? '' : JSON.stringify(call.body);
  const baseHeaders: Record<string, string> = { 'Content-Type': 'application/json' };
  if (call.projectId && !('iam' in auth)) baseHeaders['X-Project-Id'] = call.projectId;
  const queryString = encodeQuery(query);
  const path = queryString ? `${call.path}?${queryString}` : call.path;

  const send = async (): Promise<{ response: UpstreamResponse; token: string | undefined }> => {
    const signable = { method: call.method, host: http.host, path: http.basePath + call.path, query, headers: baseHeaders, body };
    const authHeaders = await authorizeOrFail(auth, signable, call.providerKey);
    const response = await http.request({
      method: call.method,
      path,
      headers: { ...baseHeaders, ...authHeaders },
      ...(body ? { body } : {}),
    });
    return { response, token: authHeaders['X-Auth-Token'] };
  };

  let { response, token } = await send();
  if (response.status === 401 && 'iam' in auth && token !== undefined) {
    auth.iam.invalidate(token);
    ({ response } = await send());
  }
  if (response.status < 200 || response.status >= 300) throw parseHuaweiError(call.providerKey, response, `${call.method} ${call.path}`);
  const what = `${call.method} ${call.path}`;
  // A read's body is frozen and shared while its path answers the same text (UpstreamHttp.json).
  const parsed = response.text === '' ? (undefined as T) : http.json<T>({ method: call.method, path }, response, what);
  return { status: response.status, headers: response.headers, body: parsed };
}

async function authorizeOrFail(
  auth: HuaweiAuth,
  signable: Parameters<typeof authorize>[1],
  providerKey: ProviderKey,
): Promise<Record<string, string>> {
  try {
    return await authorize(auth, signable);
  } catch (error) {
    if (error instanceof IamError) throw new VendorError(providerKey, error.vendorCode, error.httpStatus, error.message);
    throw error;
  }
}

/**
 * The error bodies Huawei services answer with (huawei.md C.4):
 * gateway `{error_msg, error_code, request_id}`, GaussDB `{error_code, error_msg}`,
 * VBS/EVS `{"error":{message, code}}`, and Cinder-style `{"itemNotFound":{message, code}}` (whose
 * numeric code only repeats the status, so the fault name becomes the vendor code).
 * A body that is none of these is the upstream breaking protocol: TransportError.
 */
export function parseHuaweiError(providerKey: ProviderKey, response: UpstreamResponse, what: string): VendorError | TransportError {
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    return new TransportError(`${what} answered HTTP ${response.status} without a vendor error body`, false);
  }
  const parsed = readErrorBody(body);
  if (!parsed) return new TransportError(`${what} answered HTTP ${response.status} without a vendor error body`, false);
  return new VendorError(providerKey, parsed.code, response.status, parsed.message ?? `${what} failed with HTTP ${response.status}`);
}

/** How a Huawei service's HTTP client labels its calls (metrics, spans, warn lines). */
export function huaweiIdentity(provider: string, providerKey: ProviderKey): UpstreamIdentity {
  return { provider, providerKey, vendorCodeOf: huaweiErrorCode };
}

/** The vendor code of an error answer, for telemetry; `null` when the body names none. */
function huaweiErrorCode(_status: number, text: string): string | null {
  try {
    return readErrorBody(JSON.parse(text))?.code ?? null;
  } catch {
    return null;
  }
}

function readErrorBody(body: unknown): { code: string | null; message: string | null } | null {
  if (!isObject(body)) return null;
  if ('error_code' in body || 'error_msg' in body) return { code: text(body.error_code), message: text(body.error_msg) };
  const keys = Object.keys(body);
  if (keys.length !== 1) return null;
  const fault = body[keys[0]!];
  if (!isObject(fault) || !('message' in fault || 'code' in fault)) return null;
  if (keys[0] === 'error') return { code: text(fault.code), message: text(fault.message) };
  return { code: keys[0]!, message: text(fault.message) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return value === undefined || value === null ? null : String(value);
}

/** A read of one resource: `null` when the service says 404, the same on every Huawei service. */
export async function orNullOn404<T>(pending: Promise<T>): Promise<T | null> {
  try {
    return await pending;
  } catch (error) {
    if (error instanceof VendorError && error.httpStatus === 404) return null;
    throw error;
  }
}

function definedEntries(query: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(query).filter((entry): entry is [string, string | string[]] => entry[1] !== undefined));
}
