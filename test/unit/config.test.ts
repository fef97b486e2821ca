import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseConfig, upstreamSettingsOf } from '../../src/infrastructure/config.js';

const KEY_HASH = 'a'.repeat(64);

function problemsOf(raw: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(raw, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('the config file is validated in full before anything starts', () => {
  it('names the path of every bad field at once', () => {
    const problems = problemsOf({
      server: { port: 70_000 },
      tenants: [
        {
          name: 'acme corp',
          apiKeys: [{ sha256: 'not-hex' }],
          providers: [
            { kind: 'zstack', name: 'zs', endpoint: 'ftp://zstack', accountName: 'admin', password: 'plain-text' },
            { kind: 'huawei-vbs', name: 'vbs', endpoint: 'https://vbs.example', auth: { accessKey: { env: 'AK' } } },
            { kind: 'nutanix', name: 'nx' },
          ],
        },
      ],
    });
    expect(problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining([
        'server.port',
        'tenants[0].name',
        'tenants[0].apiKeys[0].sha256',
        'tenants[0].providers[0].endpoint',
        'tenants[0].providers[0].password',
        'tenants[0].providers[1].projectId',
        'tenants[0].providers[1].auth',
        'tenants[0].providers[2].kind',
      ]),
    );
  });

  it("refuses a Redis command timeout that is not shorter than the request deadline", () => {
    const tenants = [{ name: 'acme', apiKeys: [{ sha256: KEY_HASH }] }];
    const redis = (commandTimeoutMs: number) => ({ url: 'redis://127.0.0.1:6379', commandTimeoutMs });
    expect(problemsOf({ server: { requestDeadlineMs: 2_000 }, redis: redis(2_000), tenants })).toEqual([
      'redis.commandTimeoutMs: must be shorter than server.requestDeadlineMs',
    ]);
    expect(problemsOf({ server: { requestDeadlineMs: 2_000 }, redis: redis(500), tenants })).toEqual([]);
    expect(parseConfig({ redis: { url: 'redis://127.0.0.1:6379' }, tenants }).redis?.commandTimeoutMs).toBe(2_000);
  });

  it('refuses duplicate tenant and provider names', () => {
    const provider = { kind: 'zstack', name: 'zs', endpoint: 'http://zstack:8080/zstack', accountName: 'admin', password: { env: 'P' } };
    const problems = problemsOf(
      {
        tenants: [
          { name: 'acme', apiKeys: [{ sha256: KEY_HASH }], providers: [provider, provider] },
          { name: 'acme', apiKeys: [{ sha256: KEY_HASH }] },
        ],
      },
      { P: 'x' },
    );
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^tenants\[0\]\.providers\[1\]\.name: duplicate/), expect.stringMatching(/^tenants\[1\]\.name: duplicate/)]));
  });

  it('resolves secrets from the environment and files, and names a missing one without its value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bg-config-'));
    writeFileSync(join(dir, 'sk'), 'secret-from-file\n');
    const raw = {
      tenants: [
        {
          name: 'acme',
          apiKeys: [{ sha256: KEY_HASH }],
          providers: [
            {
              kind: 'huawei-taurusdb',
              name: 'tdb',
              endpoint: 'https://gaussdb.example',
              projectId: 'p1',
              auth: { accessKey: { env: 'HW_AK' }, secretKey: { file: join(dir, 'sk') } },
            },
          ],
        },
      ],
    };
    const config = parseConfig(raw, { HW_AK: 'AK123' });
    expect(config.tenants[0]!.providers[0]).toMatchObject({ auth: { accessKey: 'AK123', secretKey: 'secret-from-file' }, timeoutMs: 10_000 });
    expect(problemsOf(raw, {})).toEqual(['tenants[0].providers[0].auth.accessKey: environment variable HW_AK is not set']);
  });

  it('names a misspelled key in one line with the key it most likely meant', () => {
    const provider = { kind: 'zstack', name: 'zs', endpoint: 'http://zstack:8080/zstack', accountName: 'admin', pasword: { env: 'ZS' } };
    expect(problemsOf({ server: { graphiq: false }, tenants: [{ name: 'acme', apiKeys: [{ sha256: KEY_HASH }], providers: [provider] }] })).toEqual([
      'server.graphiq: unknown key; did you mean "graphiql"?',
      'tenants[0].providers[0].pasword: unknown key; did you mean "password"?',
    ]);
    expect(problemsOf({ server: { zzzzzz: 1 }, tenants: [{ name: 'acme', apiKeys: [{ sha256: KEY_HASH }] }] })).toEqual(['server.zzzzzz: unknown key']);
  });

  it('says a config file is not there in one line naming it', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'bg-config-')), 'nowhere.yaml');
    expect(() => loadConfigFile(missing, {})).toThrow(new ConfigError([], `config file not found: ${missing}`));
    try {
      loadConfigFile(missing, {});
    } catch (error) {
      expect((error as Error).message).toBe(`config file not found: ${missing}`);
    }
  });

  it('reads YAML files and reports a file that is not YAML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bg-config-'));
    const good = join(dir, 'good.yaml');
    writeFileSync(good, `tenants:\n  - name: acme\n    apiKeys: [ { sha256: "${KEY_HASH}" } ]\n`);
    expect(loadConfigFile(good, {}).server).toMatchObject({ port: 4000, host: '127.0.0.1' });
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'tenants: [\n');
    expect(() => loadConfigFile(bad, {})).toThrow(/not valid YAML/);
  });

  it('checks API key scopes and labels, and gives every security limit its default', () => {
    const tenant = (apiKeys: unknown[]) => ({ tenants: [{ name: 'acme', apiKeys }] });
    expect(problemsOf(tenant([{ sha256: KEY_HASH, scopes: ['read', 'admin'] }]))).toEqual([expect.stringMatching(/^tenants\[0\]\.apiKeys\[0\]\.scopes\[1\]:/)]);
    expect(problemsOf(tenant([{ sha256: KEY_HASH, label: 'bad\nlabel' }]))).toEqual([expect.stringMatching(/^tenants\[0\]\.apiKeys\[0\]\.label:/)]);
    const config = parseConfig(tenant([{ sha256: KEY_HASH }]), {});
    expect(config.server.limits).toEqual({ maxDepth: 12, maxAliases: 30, maxTokens: 5_000, maxCost: 1_000, maxIds: 100, maxFilterLength: 128 });
    expect(config.server.http).toEqual({
      maxBodyBytes: 1_048_576,
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      maxConnections: 10_000,
      maxBufferedBytes: 4 * 1_048_576,
      writeTimeoutMs: 15_000,
    });
    // GraphiQL only when chosen (the demo chooses it), as Apollo Router keeps its Sandbox to dev mode.
    expect(config.server.graphiql).toBe(false);
    expect(config.server.cors).toEqual({ origins: [] });
    expect(config.rateLimits).toEqual({ mutationsPerSecond: 10, costPerSecond: 5_000 });
    expect(config.subscriptions).toMatchObject({ maxPerKey: 500, maxSocketsPerKey: 50, maxPayloadBytes: 65_536 });
    expect(config.tenants[0]!.apiKeys[0]).toEqual({ sha256: KEY_HASH, federationRouter: false });
  });

  it('gives a job 30 minutes for its vendor to record it unless told otherwise, from 10 s to 6 h', () => {
    const withJobs = (jobs?: Record<string, number>) => ({ tenants: [{ name: 'acme', apiKeys: [{ sha256: KEY_HASH }] }], ...(jobs ? { jobs } : {}) });
    expect(parseConfig(withJobs(), {}).jobs).toEqual({ pollIntervalMs: 1_000, unrecordedTimeoutMs: 1_800_000 });
    expect(parseConfig(withJobs({ unrecordedTimeoutMs: 120_000 }), {}).jobs).toEqual({ pollIntervalMs: 1_000, unrecordedTimeoutMs: 120_000 });
    expect(problemsOf(withJobs({ unrecordedTimeoutMs: 1_000 }))).toEqual([expect.stringMatching(/^jobs\.unrecordedTimeoutMs:/)]);
    expect(problemsOf(withJobs({ unrecordedTimeoutMs: 7 * 3_600_000 }))).toEqual([expect.stringMatching(/^jobs\.unrecordedTimeoutMs:/)]);
  });
});

describe('upstream settings (circuit, retry, queues) are validated, defaulted and overridable per provider', () => {
  const zstack = { kind: 'zstack', name: 'zs', endpoint: 'http://zstack.example:8080/zstack', accountName: 'admin', password: { env: 'ZS' } };
  const tenant = (provider: Record<string, unknown>) => ({ name: 'acme', apiKeys: [{ sha256: KEY_HASH }], providers: [provider] });

  it('fills the defaults and merges a provider override over the gateway-wide block', () => {
    const config = parseConfig(
      { upstream: { retry: { maxAttempts: 2 } }, tenants: [tenant({ ...zstack, upstream: { writes: { concurrency: 2 }, circuit: { resetTimeoutMs: 9_000 } } })] },
      { ZS: 'secret' },
    );
    expect(config.server.requestDeadlineMs).toBe(15_000);
    const settings = upstreamSettingsOf(config, config.tenants[0]!.providers[0]!);
    expect(settings).toEqual({
      circuit: { failureRatio: 0.5, windowSize: 40, minimumCalls: 20, consecutiveFailures: 5, resetTimeoutMs: 9_000, probeTimeoutMs: 2_000 },
      retry: { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 2_000 },
      reads: { concurrency: 16, maxQueued: 256, queueTimeoutMs: 2_000 },
      writes: { concurrency: 2, maxQueued: 256, queueTimeoutMs: 2_000 },
      lostCreateGraceMs: 60_000,
    });
  });

  it('names a bad value, gateway-wide or in a provider override', () => {
    expect(problemsOf({ upstream: { circuit: { failureRatio: 1.5 } }, tenants: [tenant(zstack)] }, { ZS: 's' })).toEqual([
      expect.stringMatching(/^upstream\.circuit\.failureRatio:/),
    ]);
    expect(problemsOf({ tenants: [tenant({ ...zstack, upstream: { reads: { concurrency: 0 } } })] }, { ZS: 's' })).toEqual([
      expect.stringMatching(/^zs\.upstream\.reads\.concurrency:/),
    ]);
  });
});
