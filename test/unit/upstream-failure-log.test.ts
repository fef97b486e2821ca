import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../src/infrastructure/logger.js';
import { routeTemplate, UpstreamFailureLog, vendorCodeOf } from '../../src/infrastructure/upstream-log.js';

const failure = { method: 'GET', route: '/v2/{id}/backups', status: 500, vendorCode: 'X', reason: null, durationMs: 3, attempts: 1 };

describe('upstream failure log', () => {
  afterEach(() => vi.useRealTimers());

  function capture(): { log: Logger; written: Record<string, unknown>[] } {
    const written: Record<string, unknown>[] = [];
    return { log: { warn: (fields: Record<string, unknown>) => written.push(fields) } as unknown as Logger, written };
  }

  it('writes an identical failure once per window, then once more with the count it left out', () => {
    vi.useFakeTimers({ now: 0 });
    const { log, written } = capture();
    const failures = new UpstreamFailureLog(log, 'acme/vbs', 10_000);
    failures.report(failure);
    failures.report(failure);
    failures.report(failure);
    failures.report({ ...failure, status: 502 });
    expect(written.map((line) => line.status)).toEqual([500, 502]);
    vi.setSystemTime(10_001);
    failures.report(failure);
    expect(written[2]).toMatchObject({ status: 500, repeatedSinceLastLine: 2 });
  });

  it('names routes without their ids and finds the vendor code in every usual error shape', () => {
    expect(routeTemplate('/v2/5f0c2a8e9b7d4c1a8e6f3b2d1c0a9e8f/backups/4dfc4a05-b100-4a4b-8944-be077e8cea0b?limit=1')).toBe('/v2/{id}/backups/{id}');
    expect(routeTemplate('/zstack/v1/api-jobs/8268ffbe361e5fbaa9e51cf5e631c038')).toBe('/zstack/v1/api-jobs/{id}');
    expect(vendorCodeOf('{"error":{"code":"SYS.1000"}}')).toBe('SYS.1000');
    expect(vendorCodeOf('{"error_code":"DBS.201205","error_msg":"busy"}')).toBe('DBS.201205');
    expect(vendorCodeOf('Internal Server Error')).toBeNull();
  });
});
