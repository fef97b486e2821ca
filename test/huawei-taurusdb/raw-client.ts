import { request } from 'undici';
import { signRequest } from '../../src/providers/huawei/auth/index.js';
import { CREDENTIALS, PROJECT_ID } from './harness.js';

/**
 * A hand-made signed call to the simulator, below the provider: for checking what the simulator
 * itself refuses, and for tampering with a request after it was signed.
 */

export interface RawCall {
  method: 'GET' | 'POST' | 'DELETE';
  /** Below `root`. */
  path: string;
  /** Default `/v3/{project_id}` (TaurusDB); VBS lives under `/v2/{project_id}`. */
  root?: string;
  query?: Record<string, string>;
  body?: unknown;
  /** Changes the request after signing. */
  tamper?: (request: { path: string; query: Record<string, string>; headers: Record<string, string>; body: string }) => void;
  credentials?: { accessKey: string; secretKey: string };
  projectId?: string;
}

export async function rawCall(baseUrl: string, call: RawCall): Promise<{ status: number; body: unknown }> {
  const url = new URL(baseUrl);
  const outgoing = {
    path: `${call.root ?? `/v3/${call.projectId ?? PROJECT_ID}`}${call.path}`,
    query: { ...call.query },
    headers: { 'Content-Type': 'application/json', 'X-Project-Id': call.projectId ?? PROJECT_ID } as Record<string, string>,
    body: call.body === undefined ? '' : JSON.stringify(call.body),
  };
  const signed = signRequest({ method: call.method, host: url.host, ...outgoing }, call.credentials ?? CREDENTIALS);
  outgoing.headers = { ...outgoing.headers, ...signed };
  call.tamper?.(outgoing);
  const search = new URLSearchParams(outgoing.query).toString();
  const response = await request(`${url.origin}${outgoing.path}${search ? `?${search}` : ''}`, {
    method: call.method,
    headers: outgoing.headers,
    ...(outgoing.body ? { body: outgoing.body } : {}),
  });
  const text = await response.body.text();
  return { status: response.statusCode, body: text ? JSON.parse(text) : undefined };
}

export function signedJson(baseUrl: string, method: RawCall['method'], path: string, body?: unknown) {
  return rawCall(baseUrl, { method, path, body });
}
