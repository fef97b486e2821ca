import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../providers/access.js';

/**
 * What an HTTP request must show before the gateway reads its body: a valid API key (so that an
 * anonymous client gets a 401 and costs no parsing, no validation, and learns nothing about the
 * schema) and a declared length within the limit (a body the size of the server's memory is
 * refused unread). Node's own request timeout then cuts a body that is sent slowly.
 */

export interface AdmissionOptions {
  /** The principal of an Authorization header; `null` for no key of ours. */
  authenticate(authorization: string | undefined): Principal | null;
  maxBodyBytes: number;
}

function refuse(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): null {
  // The body is not read: closing the connection spares Node reading it only to throw it away.
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', connection: 'close', ...headers });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
  return null;
}

/**
 * The principal of an admitted request; `null` when the request was answered here (401, 411, 413).
 * A `null` principal in the result: admitted without a key (a CORS preflight).
 */
export function admit(req: IncomingMessage, res: ServerResponse, options: AdmissionOptions): { principal: Principal | null } | null {
  if (req.method === 'OPTIONS') return { principal: null };
  const principal = options.authenticate(req.headers.authorization);
  if (!principal) {
    return refuse(res, 401, 'UNAUTHENTICATED', 'A valid API key is required: send `Authorization: Bearer <key>`', { 'www-authenticate': 'Bearer' });
  }
  if (req.method === 'POST') {
    const length = req.headers['content-length'];
    if (length === undefined) return refuse(res, 411, 'LENGTH_REQUIRED', 'A POST must say its Content-Length');
    if (Number(length) > options.maxBodyBytes) {
      return refuse(res, 413, 'PAYLOAD_TOO_LARGE', `The request body may be at most ${options.maxBodyBytes} bytes`);
    }
  }
  return { principal };
}
