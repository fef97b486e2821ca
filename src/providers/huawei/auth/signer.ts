import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Huawei Cloud "SDK-HMAC-SHA256" request signing (huawei.md C.2), for both sides: the client signs,
 * the simulators verify with the same canonicalisation, so one implementation keeps them in step.
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

export type VerifyFailure = 'missing' | 'malformed' | 'unknown-key' | 'skew' | 'mismatch';
export type VerifyResult = { ok: true; accessKey: string } | { ok: false; reason: VerifyFailure };

const ALGORITHM = 'SDK-HMAC-SHA256';
const DATE_HEADER = 'x-sdk-date';
const CONTENT_SHA256_HEADER = 'x-sdk-content-sha256';
/** API Gateway rejects an X-Sdk-Date further than this from its own clock (huawei.md C.3). */
export const DEFAULT_MAX_SKEW_MS = 15 * 60 * 1000;
const AUTHORIZATION_PATTERN = /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)$/;
const SDK_DATE_PATTERN = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

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

/** Checks a received request; `req.headers` as Node delivers them (lower-cased names). */
export function verifySignature(
  req: SignableRequest,
  lookupSecret: (accessKey: string) => string | undefined,
  now: Date = new Date(),
  maxSkewMs: number = DEFAULT_MAX_SKEW_MS,
): VerifyResult {
  const headers = lowerCaseKeys(req.headers);
  const authorization = headers.authorization;
  if (authorization === undefined || authorization === '') return { ok: false, reason: 'missing' };
  const match = AUTHORIZATION_PATTERN.exec(authorization.trim());
  if (!match) return { ok: false, reason: 'malformed' };
  const [, accessKey, signedHeaderList, signature] = match as unknown as [string, string, string, string];
  const signedHeaderNames = signedHeaderList.split(';');
  const sdkDate = parseSdkDate(headers[DATE_HEADER]);
  if (sdkDate === null || !signedHeaderNames.includes(DATE_HEADER) || !signedHeaderNames.includes('host')) {
    return { ok: false, reason: 'malformed' };
  }
  const secret = lookupSecret(accessKey);
  if (secret === undefined) return { ok: false, reason: 'unknown-key' };
  if (Math.abs(now.getTime() - sdkDate.getTime()) > maxSkewMs) return { ok: false, reason: 'skew' };
  if (signedHeaderNames.some((name) => headers[name] === undefined)) return { ok: false, reason: 'mismatch' };
  const expected = computeSignature(req, headers, signedHeaderNames, secret);
  if (expected === null) return { ok: false, reason: 'malformed' };
  const given = Buffer.from(signature.toLowerCase(), 'utf8');
  const wanted = Buffer.from(expected, 'utf8');
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return { ok: false, reason: 'mismatch' };
  return { ok: true, accessKey };
}

/** `YYYYMMDDTHHmmssZ` in UTC. */
function formatSdkDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function parseSdkDate(value: string | undefined): Date | null {
  const match = value === undefined ? null : SDK_DATE_PATTERN.exec(value);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? null : date;
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
