import { describe, expect, it } from 'vitest';
import { signRequest, type SignableRequest } from '../../src/providers/huawei/auth/signer.js';
import { refuseSignature } from '../../src/simulators/huawei/signature.js';

const OFFICIAL = { accessKey: 'QTWAOYTTINDUT2QVKYUC', secretKey: 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc' };
const lookup = (accessKey: string) => (accessKey === OFFICIAL.accessKey ? OFFICIAL.secretKey : undefined);

/**
 * The client signs with the adapter's signer; the simulated gateway checks with its own code, written
 * apart from it: the two agreeing is what these tests show.
 */
function verifySignature(req: SignableRequest, secretOf: (accessKey: string) => string | undefined, now = new Date()) {
  const query = req.query instanceof URLSearchParams ? req.query : new URLSearchParams(Object.entries(req.query).flatMap(([k, v]) => [v].flat().map((item) => [k, item])));
  const refusal = refuseSignature({ method: req.method, path: req.path, query, headers: req.headers, rawBody: req.body }, secretOf, now.getTime());
  return refusal === null ? { ok: true, accessKey: /Access=([^,]+)/.exec(req.headers.authorization ?? '')![1] } : { ok: false, reason: refusal };
}

function received(req: SignableRequest, added: Record<string, string>): SignableRequest {
  const headers = Object.fromEntries(Object.entries({ ...req.headers, ...added, host: req.host }).map(([k, v]) => [k.toLowerCase(), v]));
  return { ...req, headers };
}

const postRequest: SignableRequest = {
  method: 'POST',
  host: '127.0.0.1:8443',
  path: '/v2/0123456789abcdef0123456789abcdef/cloudbackups',
  query: {},
  headers: { 'Content-Type': 'application/json', 'X-Project-Id': '0123456789abcdef0123456789abcdef' },
  body: '{"backup":{"volume_id":"x","name":"nightly"}}',
};

describe('SDK-HMAC-SHA256 signing', () => {
  it('reproduces the official documentation vector', () => {
    const headers = signRequest(
      {
        method: 'GET',
        host: 'service.region.example.com',
        path: '/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs',
        query: new URLSearchParams('limit=2&marker=13551d6b-755d-4757-b956-536f674975c0'),
        headers: { 'content-type': 'application/json', 'X-Sdk-Date': '20191115T033655Z' },
        body: '',
      },
      OFFICIAL,
    );
    expect(headers.Authorization).toBe(
      'SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe',
    );
    expect(headers['X-Sdk-Date']).toBeUndefined();
  });

  it('the simulated gateway accepts the official documentation vector', () => {
    const headers = {
      'content-type': 'application/json',
      host: 'service.region.example.com',
      'x-sdk-date': '20191115T033655Z',
      authorization:
        'SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe',
    };
    const request = { method: 'GET', path: '/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs', headers, rawBody: '' };
    const query = new URLSearchParams('limit=2&marker=13551d6b-755d-4757-b956-536f674975c0');
    const at = Date.parse('2019-11-15T03:36:55Z');
    expect(refuseSignature({ ...request, query }, lookup, at)).toBeNull();
    expect(refuseSignature({ ...request, query: new URLSearchParams('limit=3&marker=13551d6b-755d-4757-b956-536f674975c0') }, lookup, at)).toBe('mismatch');
  });

  it('adds X-Sdk-Date in the compact UTC form and signs every given header', () => {
    const headers = signRequest(postRequest, OFFICIAL, new Date('2026-11-22T10:20:30.456Z'));
    expect(headers['X-Sdk-Date']).toBe('20261122T102030Z');
    expect(headers.Authorization).toContain('SignedHeaders=content-type;host;x-project-id;x-sdk-date,');
  });

  it('verifies what it signed, with the query in any order and values needing encoding', () => {
    const req: SignableRequest = { ...postRequest, method: 'GET', body: '', query: { ids: "['a b','c+d']", limit: '60', z: ['2', '1'] } };
    const added = signRequest(req, OFFICIAL);
    const wire = new URLSearchParams([['z', '1'], ['limit', '60'], ['z', '2'], ['ids', "['a b','c+d']"]]);
    expect(verifySignature({ ...received(req, added), query: wire }, lookup)).toEqual({ ok: true, accessKey: OFFICIAL.accessKey });
  });

  it('treats an encoded and a decoded path alike', () => {
    const req = { ...postRequest, path: '/v2/p/backups/a%3Ab' };
    const added = signRequest({ ...req, path: '/v2/p/backups/a:b' }, OFFICIAL);
    expect(verifySignature(received(req, added), lookup).ok).toBe(true);
  });

  it.each([
    ['a tampered body', (r: SignableRequest) => ({ ...r, body: r.body.replace('nightly', 'nightlx') }), 'mismatch'],
    ['a changed signed header', (r: SignableRequest) => ({ ...r, headers: { ...r.headers, 'x-project-id': 'other' } }), 'mismatch'],
    ['another host', (r: SignableRequest) => ({ ...r, headers: { ...r.headers, host: 'evil.example.com' } }), 'mismatch'],
    ['an added query parameter', (r: SignableRequest) => ({ ...r, query: { limit: '1' } }), 'mismatch'],
    ['no Authorization', (r: SignableRequest) => ({ ...r, headers: { ...r.headers, authorization: '' } }), 'missing'],
    ['a malformed Authorization', (r: SignableRequest) => ({ ...r, headers: { ...r.headers, authorization: 'Basic abc' } }), 'malformed'],
  ] as const)('rejects %s', (_what, tamper, reason) => {
    const added = signRequest(postRequest, OFFICIAL);
    expect(verifySignature(tamper(received(postRequest, added)), lookup)).toEqual({ ok: false, reason });
  });

  it('rejects an unknown access key', () => {
    const added = signRequest(postRequest, { accessKey: 'UNKNOWNKEY', secretKey: OFFICIAL.secretKey });
    expect(verifySignature(received(postRequest, added), lookup)).toEqual({ ok: false, reason: 'unknown-key' });
  });

  it('rejects a signature more than 15 minutes away from the server clock, either way', () => {
    const now = new Date('2026-11-22T10:00:00Z');
    for (const offsetMin of [-16, 16]) {
      const added = signRequest(postRequest, OFFICIAL, new Date(now.getTime() + offsetMin * 60_000));
      expect(verifySignature(received(postRequest, added), lookup, now)).toEqual({ ok: false, reason: 'skew' });
    }
    const fresh = signRequest(postRequest, OFFICIAL, new Date(now.getTime() - 14 * 60_000));
    expect(verifySignature(received(postRequest, fresh), lookup, now).ok).toBe(true);
  });
});
