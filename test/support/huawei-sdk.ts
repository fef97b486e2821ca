import { createRequire } from 'node:module';

/**
 * Huawei's official Node SDK core, as the tests drive the simulators with it: its HcClient signs each
 * request with its own AK/SK signer and returns the raw JSON body plus `httpStatusCode`.
 */

// The official SDK core is CommonJS with deep modules and no typings we depend on.
const require = createRequire(import.meta.url);
const { HcClient } = require('@huaweicloud/huaweicloud-sdk-core/HcClient');
const { DefaultHttpClient } = require('@huaweicloud/huaweicloud-sdk-core/http/DefaultHttpClient');
const { BasicCredentials } = require('@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials');

// The SDK logs failed requests, headers included, through log4js; a silent logger keeps tests quiet.
const silent = { debug() {}, info() {}, warn() {}, error() {} };

export interface SdkError {
  httpStatusCode: number;
  errorCode?: string;
  errorMsg?: string;
}

export interface SdkRequestOptions {
  queryParams?: Record<string, unknown>;
  data?: unknown;
  pathParams?: Record<string, string>;
}

/** The option object a generated SDK client (EvsClient, GaussDBClient) hands to HcClient.sendRequest. */
export interface SdkRequest {
  method: string;
  url: string;
  contentType: string;
  queryParams: Record<string, unknown>;
  pathParams: Record<string, string>;
  headers: Record<string, string>;
  data?: unknown;
}

export interface SdkClient {
  sendRequest(request: SdkRequest): Promise<Record<string, unknown> & { httpStatusCode: number }>;
}

export function sdkClient(url: string, key: { accessKey: string; secretKey: string }, projectId: string): SdkClient {
  const credentials = new BasicCredentials().withAk(key.accessKey).withSk(key.secretKey).withProjectId(projectId);
  return new HcClient(new DefaultHttpClient({ logger: silent }, [url])).withEndpoints([url]).withCredential(credentials);
}

export function sdkRequest(projectId: string, method: string, url: string, extra: SdkRequestOptions = {}): SdkRequest {
  return {
    method,
    url,
    contentType: 'application/json',
    queryParams: extra.queryParams ?? {},
    pathParams: { project_id: projectId, ...extra.pathParams },
    headers: {},
    ...(extra.data === undefined ? {} : { data: extra.data }),
  };
}

export async function rejection(pending: Promise<unknown>): Promise<SdkError> {
  try {
    await pending;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the request to fail');
}
