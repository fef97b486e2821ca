import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The API Gateway's check of an "SDK-HMAC-SHA256" signature, written from huawei.md C.2/C.3 for the
 * simulators alone: the adapters sign with their own code, so a canonicalisation the client gets wrong
 * is refused here instead of being verified by the same mistake. No library implements the server side
 * of Huawei's scheme (the official SDK core only signs), hence the hand-written check.
 */

export interface AccessKeyPair {
  accessKey: string;
  secretKey: string;
}

/** A request as the gateway received it: raw path, decoded query, lower-cased headers, raw body. */
export interface ReceivedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  rawBody: string;
}

export type SignatureRefusal = 'missing' | 'malformed' | 'unknown-key' | 'skew' | 'mismatch';

/** The gateway refuses an X-Sdk-Date further than this from its own clock (C.3). */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const AUTHORIZATION = /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]{64})$/;
const COMPACT_UTC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
/** Step 5/6: everything but A-Z a-z 0-9 - _ . ~ is written as upper-case %XX of its UTF-8 bytes. */
const UNRESERVED = /^[A-Za-z0-9\-_.~]$/;

/** `null` when the signature holds, else why the gateway refuses it. */
export function refuseSignature(request: ReceivedRequest, secretOf: (accessKey: string) => string | undefined, nowMs: number): SignatureRefusal | null {
  const authorization = request.headers.authorization?.trim();
  if (!authorization) return 'missing';
  const parts = AUTHORIZATION.exec(authorization);
  const sdkDate = parseCompactUtc(request.headers['x-sdk-date']);
  if (!parts || sdkDate === null) return 'malformed';
  const [, accessKey, signedList, signature] = parts as unknown as [string, string, string, string];
  const signedHeaders = signedList.split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-sdk-date')) return 'malformed';
  const secret = secretOf(accessKey);
  if (secret === undefined) return 'unknown-key';
  if (Math.abs(nowMs - sdkDate) > MAX_CLOCK_SKEW_MS) return 'skew';
  const canonical = canonicalRequest(request, signedHeaders);
  if (canonical === null) return 'malformed';
  const stringToSign = `SDK-HMAC-SHA256\n${request.headers['x-sdk-date']}\n${sha256(canonical)}`;
  const expected = Buffer.from(createHmac('sha256', secret).update(stringToSign, 'utf8').digest('hex'));
  const given = Buffer.from(signature.toLowerCase());
  return timingSafeEqual(expected, given) ? null : 'mismatch';
}

/** Step 8; `null` when a signed header is absent or the path cannot be decoded. */
function canonicalRequest(request: ReceivedRequest, signedHeaders: string[]): string | null {
  if (signedHeaders.some((name) => request.headers[name] === undefined)) return null;
  const uri = canonicalPath(request.path);
  if (uri === null) return null;
  const headerBlock = signedHeaders.map((name) => `${name}:${request.headers[name]}\n`).join('');
  const payloadHash = request.headers['x-sdk-content-sha256'] ?? sha256(request.rawBody);
  return [request.method, uri, canonicalQueryString(request.query), headerBlock, signedHeaders.join(';'), payloadHash].join('\n');
}

/** Step 5: each segment encoded on its own, and always a trailing slash. */
function canonicalPath(rawPath: string): string | null {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    try {
      segments.push(encodeForSigning(decodeURIComponent(segment)));
    } catch {
      return null;
    }
  }
  const joined = segments.join('/');
  return joined.endsWith('/') ? joined : `${joined}/`;
}

/** Step 6: sorted by the unencoded key, a repeated key's values sorted too, then key and value encoded alike. */
function canonicalQueryString(query: URLSearchParams): string {
  const pairs = [...query].sort(([keyA, valueA], [keyB, valueB]) => compareText(keyA, keyB) || compareText(valueA, valueB));
  return pairs.map(([key, value]) => `${encodeForSigning(key)}=${encodeForSigning(value)}`).join('&');
}

function encodeForSigning(text: string): string {
  let out = '';
  for (const char of text) {
    if (UNRESERVED.test(char)) out += char;
    else for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function parseCompactUtc(value: string | undefined): number | null {
  const match = value === undefined ? null : COMPACT_UTC.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const at = Date.UTC(year, month - 1, day, hour, minute, second);
  return Number.isNaN(at) ? null : at;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
