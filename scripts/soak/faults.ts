import type { Fault, FaultRule, SimulatorServer } from '../../src/simulators/kit/index.js';

/**
 * The faults a soak injects into every simulator: every kind the simulator kit offers, each for an
 * equal share of the requests, about `rate` of them in all. Rules are tried in order and each draws
 * on its own, so the shares stay close to rate / kinds for small rates.
 */

export type VendorShape = 'zstack' | 'huawei';

export function faultKinds(vendor: VendorShape, timeoutMs: number): { name: string; rule: Omit<FaultRule, 'probability'> }[] {
  const vendorError: Fault =
    vendor === 'zstack'
      ? // Not 503: on GET /v1/api-jobs a 503 is ZStack's protocol for "the job failed", which no client could tell apart.
        { type: 'vendorError', status: 500, body: { error: { code: 'SYS.1000', description: 'An internal error happened in the system' } } }
      : { type: 'vendorError', status: 500, body: { error_code: 'APIGW.0202', error_msg: 'Internal error of the backend service' } };
  const throttled: Fault =
    vendor === 'zstack'
      ? { type: 'vendorError', status: 503, headers: { 'retry-after': '0' }, body: { error: { code: 'SYS.1001', description: 'busy, retry later' } } }
      : { type: 'vendorError', status: 429, headers: { 'retry-after': '0' }, body: { error_code: 'APIGW.0308', error_msg: 'The throttling threshold has been reached' } };
  const kinds: { name: string; rule: Omit<FaultRule, 'probability'> }[] = [
    { name: '5xx text', rule: { fault: { type: 'http500text' } } },
    { name: 'vendor error', rule: { fault: vendorError } },
    { name: 'throttled + Retry-After', rule: { fault: throttled } },
    { name: 'drop before handling', rule: { fault: { type: 'drop' } } },
    { name: 'drop after handling', rule: { fault: { type: 'dropAfterHandling' } } },
    { name: 'garbled body after handling', rule: { fault: { type: 'garbleAfterHandling' } } },
    { name: 'latency past the timeout', rule: { fault: { type: 'latency', ms: timeoutMs + 100 } } },
    // A 200 with a broken body and nothing done only makes sense for reads.
    { name: 'malformed JSON (reads)', rule: { fault: { type: 'malformedJson' }, method: 'GET' } },
  ];
  if (vendor === 'huawei') {
    // AK/SK signing has no token to expire; a rejected credential is the nearest the gateway sees.
    kinds.push({ name: 'token rejected (401)', rule: { fault: { type: 'vendorError', status: 401, body: { error_code: 'APIGW.0301', error_msg: 'Incorrect IAM authentication information' } } } });
  }
  return kinds;
}

export function injectFaults(server: SimulatorServer, vendor: VendorShape, rate: number, timeoutMs: number): void {
  const kinds = faultKinds(vendor, timeoutMs);
  for (const { rule } of kinds) server.injectFault({ ...rule, probability: rate / kinds.length });
}
