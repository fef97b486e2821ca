import { randomUUID } from 'node:crypto';
import type { SimHandler, SimRequest, SimResponse } from '../kit/index.js';
import { refuseSignature, type AccessKeyPair, type SignatureRefusal } from './signature.js';
import type { TokenValidator } from './iam.js';

/**
 * The API Gateway in front of every Huawei service: it checks the AK/SK signature or the IAM token
 * before the service sees the request, and answers failures in its own body shape
 * `{error_msg, error_code, request_id}` (huawei.md C.3, C.4).
 */

export interface GatewayAuthOptions {
  credentials: AccessKeyPair[];
  /** Accepts X-Auth-Token when given. */
  tokens?: TokenValidator;
  /** The project the service serves; the path's `:project_id` and the caller's project must match it. */
  projectId: string;
  /** What the service answers when the path names another project (each vendor has its own shape). */
  projectMismatch: (message: string) => SimResponse;
  /** Epoch milliseconds, for the X-Sdk-Date skew check. */
  clock?: () => number;
}

const SIGNATURE_MESSAGES: Record<SignatureRefusal, string> = {
  missing: 'Incorrect IAM authentication information: Authorization not found',
  malformed: 'Incorrect IAM authentication information: Authorization header malformed',
  'unknown-key': 'Incorrect IAM authentication information: ak not found',
  skew: 'Incorrect IAM authentication information: x-sdk-date expired',
  mismatch: 'Incorrect IAM authentication information: verify aksk signature fail',
};

export function gatewayError(status: number, code: string, message: string): SimResponse {
  const requestId = randomUUID().replace(/-/g, '');
  return { status, headers: { 'X-Request-Id': requestId }, body: { error_msg: message, error_code: code, request_id: requestId } };
}

/** Wraps a service handler with the gateway's checks. */
export function withGatewayAuth(options: GatewayAuthOptions, handler: SimHandler): SimHandler {
  return (request) => checkGatewayAuth(request, options) ?? handler(request);
}

/** `null` when the request may reach the service, else the gateway's (or service's) refusal. */
export function checkGatewayAuth(request: SimRequest, options: GatewayAuthOptions): SimResponse | null {
  const headers = flatHeaders(request.headers);
  let callerProject: string;
  const token = headers['x-auth-token'];
  if (token !== undefined && headers.authorization === undefined) {
    if (!options.tokens) return gatewayError(401, 'APIGW.0301', 'Incorrect IAM authentication information: token auth is not enabled');
    const check = options.tokens.validateToken(token);
    if (!check.valid) {
      return check.reason === 'expired'
        ? gatewayError(401, 'APIGW.0307', 'The token must be updated.')
        : gatewayError(401, 'APIGW.0301', 'Incorrect IAM authentication information: decrypt token fail');
    }
    callerProject = check.projectId;
  } else {
    const secrets = new Map(options.credentials.map((c) => [c.accessKey, c.secretKey]));
    const refusal = refuseSignature(
      { method: request.method, path: request.path, query: request.query, headers, rawBody: request.rawBody },
      (accessKey) => secrets.get(accessKey),
      options.clock?.() ?? Date.now(),
    );
    if (refusal) return gatewayError(401, 'APIGW.0301', SIGNATURE_MESSAGES[refusal]);
    callerProject = headers['x-project-id'] ?? options.projectId;
  }
  const pathProject = request.params.project_id;
  if (callerProject !== options.projectId || (pathProject !== undefined && pathProject !== options.projectId)) {
    return options.projectMismatch('The project ID in the URI does not match the project of the credentials.');
  }
  return null;
}

function flatHeaders(headers: SimRequest['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
