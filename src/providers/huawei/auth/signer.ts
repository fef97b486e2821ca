import { createHash, createHmac } from 'node:crypto';

/**
 * Huawei Cloud "SDK-HMAC-SHA256" request signing (huawei.md C.2), the client side. The simulators
 * verify with their own code, so a canonicalisation this file gets wrong fails a test.
 */

export interface SignableRequest {
  method: string;
  /** host[:port] exactly as the Host header carries it. */
  host: string;
  /** Path without the query string; percent-encoded or not (segments are decoded before canonical encoding). */
  path: string;
  query: URLSearchParams | Record<string, string | string[]>;
  headers: Record<string, string>;
  body: string;
}

export interface AkSkCredentials {
  accessKey: string;
  secretKey: string;
}

const ALGORITHM = 'SDK-HMAC-SHA256';
const DATE_HEADER = 'x-sdk-date';
const CONTENT_SHA256_HEADER = 'x-sdk-content-sha256';

/** Returns the headers to add to `req`: X-Sdk-Date (unless `req` already carries one) and Authorization. */
export function signRequest(req: SignableRequest, credentials: AkSkCredentials, now: Date = new Date()): Record<string, string> {
  const given = lowerCaseKeys(req.headers);
  const added: Record<string, string> = {};
  if (given[DATE_HEADER] === undefined) added['X-Sdk-Date'] = formatSdkDate(now);
  const headers = { ...given, host: req.host, [DATE_HEADER]: given[DATE_HEADER] ?? added['X-Sdk-Date']! };
  const signedHeaderNames = Object.keys(headers).sort();
  const signature = computeSignature(req, headers, signedHeaderNames, credentials.secretKey);
  if (signature === null) throw new Error('request path is not a valid percent-encoded path');
  added.Authorization = `${ALGORITHM} Access=${credentials.accessKey}, SignedHeaders=${signedHeaderNames.join(';')}, Signature=${signature}`;
  return added;
}

/** `YYYYMMDDTHHmmssZ` in UTC. */
function formatSdkDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** `null` when the path cannot be decoded. */
function computeSignature(
  req: SignableRequest,
  headers: Record<string, string>,
  signedHeaderNames: string[],
  secretKey: string,
): string | null {
  const uri = canonicalUri(req.path);
  if (uri === null) return null;
  const canonicalHeaders = signedHeaderNames.map((name) => `${name}:${headers[name]}\n`).join('');
  const payloadHash = headers[CONTENT_SHA256_HEADER] ?? sha256Hex(req.body);
  const canonicalRequest = [
    req.method.toUpperCase(),
    uri,
    canonicalQuery(req.query),
    canonicalHeaders,
    signedHeaderNames.join(';'),
    payloadHash,
  ].join('\n');
  const stringToSign = [ALGORITHM, headers[DATE_HEADER], sha256Hex(canonicalRequest)].join('\n');
  return createHmac('sha256', secretKey).update(stringToSign, 'utf8').digest('hex');
}

function canonicalUri(path: string): string | null {
  try {
    const encoded = path
      .split('/')
      .map((segment) => signingEncode(decodeURIComponent(segment)))
      .join('/');
    return encoded.endsWith('/') ? encoded : `${encoded}/`;
  } catch {
    return null;
  }
}

function canonicalQuery(query: SignableRequest['query']): string {
  const entries = queryEntries(query);
  return [...entries.keys()]
    .sort()
    .flatMap((key) => [...entries.get(key)!].sort().map((value) => `${signingEncode(key)}=${signingEncode(value)}`))
    .join('&');
}

/** Query parameters grouped by name, in the order given. */
function queryEntries(query: SignableRequest['query']): Map<string, string[]> {
  const entries = new Map<string, string[]>();
  const add = (key: string, value: string) => entries.set(key, [...(entries.get(key) ?? []), value]);
  if (query instanceof URLSearchParams) {
    for (const [key, value] of query) add(key, value);
  } else {
    for (const [key, value] of Object.entries(query)) for (const item of [value].flat()) add(key, item);
  }
  return entries;
}

/** Percent-encodes everything but `A-Z a-z 0-9 - _ . ~`, as the signer's canonical form requires. */
function signingEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The query string to put on the wire: encoded exactly as it is canonicalised. */
export function encodeQuery(query: SignableRequest['query']): string {
  const parts: string[] = [];
  for (const [key, values] of queryEntries(query)) for (const value of values) parts.push(`${signingEncode(key)}=${signingEncode(value)}`);
  return parts.join('&');
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
