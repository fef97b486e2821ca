import { Writable } from 'node:stream';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';
import { parseConfig, type ConfigFile } from '../../src/infrastructure/config.js';
import type { Clock } from '../../src/infrastructure/clock.js';
import { createLogger } from '../../src/infrastructure/logger.js';
import { sha256Hex, type ProviderFactory } from '../../src/providers/tenancy.js';
import { startCbrSimulator, type CbrSimulator } from '../../src/simulators/huawei/cbr/index.js';
import { startTaurusDbSimulator, type TaurusDbSimulator } from '../../src/simulators/huawei/taurusdb/index.js';
import { startVbsSimulator, type VbsSimulator } from '../../src/simulators/huawei/vbs/index.js';
import { startZStackSimulator, type ZStackSimulator, type ZStackSimulatorOptions } from '../../src/simulators/zstack/index.js';
import { createGateway, type Gateway } from '../../src/server/gateway.js';

/**
 * A gateway on an ephemeral port over real vendor simulators, as a test needs it: every piece
 * talks HTTP to the others, every log line is kept for assertions, and `close()` stops it all.
 */

export const HUAWEI_PROJECT = '5f0c2a8e9b7d4c1a8e6f3b2d1c0a9e8f';
export const HUAWEI_KEYS = { accessKey: 'TESTAKTESTAKTESTAK01', secretKey: 'test-secret-key-never-logged-0123456789' };
export const ZSTACK_PASSWORD = 'zstack-password-never-logged';

/** The provider names the stack gives its simulators in the tenant's config. */
export type StackProviderName = 'zs' | 'vbs' | 'tdb' | 'cbr';

export interface StackOptions {
  zstack?: ZStackSimulatorOptions | false;
  vbs?: { jobDurationMs?: number; seed?: 'demo' | 'empty'; now?: () => number } | false;
  taurusDb?: { jobDurationMs?: number; seed?: 'demo' | 'empty'; now?: () => number } | false;
  cbr?: { jobDurationMs?: number; seed?: 'demo' | 'empty'; now?: () => number } | false;
  /** Tenant name; its API key is `key-<tenant>`. */
  tenant?: string;
  jobsPollIntervalMs?: number;
  /** Upstream deadline of every provider that `providerTimeoutMs` does not name. */
  timeoutMs?: number;
  /** Deadlines of single providers, by their name in the config. */
  providerTimeoutMs?: Partial<Record<StackProviderName, number>>;
  providerFactory?: ProviderFactory;
  /** Live status's clock: a test that moves it decides when the pollers run. */
  clock?: Clock;
  /**
   * Adds tenant `globex` (key `key-globex`) whose ZStack provider has the same name and endpoint as
   * the first tenant's: the same vendor ids, reachable only through each tenant's own ids.
   */
  otherTenant?: boolean;
  /** Sends a provider's calls here instead of its simulator (a blackhole, a refused port). */
  endpoints?: Partial<Record<StackProviderName, string>>;
  /** Per-provider `upstream` overrides (circuit, retry, queues). */
  providerUpstream?: Partial<Record<StackProviderName, Record<string, unknown>>>;
  /** More environment for secret references in `extra` (`{ env: NAME }`). */
  env?: Record<string, string>;
  /** More config to merge at the top level (server limits ...). */
  extra?: Partial<ConfigFile>;
  /** Every tenant's `responseCache` settings (off unless given). */
  responseCache?: NonNullable<ConfigFile['tenants'][number]['responseCache']>;
  /** More API keys of the first tenant, with their scopes and labels. */
  keys?: { key: string; label?: string; scopes?: ('read' | 'backup' | 'restore' | 'delete' | 'policy')[]; federationRouter?: boolean }[];
}

export interface GraphQLResponse<T> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] };
}

export interface Stack {
  gateway: Gateway;
  zstack: ZStackSimulator | null;
  vbs: VbsSimulator | null;
  taurusDb: TaurusDbSimulator | null;
  cbr: CbrSimulator | null;
  apiKey: string;
  logs: string[];
  /** The config as written (secrets as env references) and the environment they resolve in. */
  rawConfig: ConfigFile;
  env: NodeJS.ProcessEnv;
  graphql<TData = Record<string, unknown>, TVars = Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVars> | DocumentNode | string,
    variables?: TVars,
    options?: { apiKey?: string | null; headers?: Record<string, string> },
  ): Promise<GraphQLResponse<TData>>;
  /** Upstream requests seen by every simulator, in order. */
  upstreamRequests(): { vendor: string; method: string; path: string; query: URLSearchParams; status: number }[];
  clearUpstreamRequests(): void;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const tenant = options.tenant ?? 'acme';
  const apiKey = `key-${tenant}`;
  const [zstack, vbs, taurusDb, cbr] = await Promise.all([
    options.zstack === false ? null : startZStackSimulator({ password: ZSTACK_PASSWORD, jobDurationMs: 30, ...options.zstack }),
    options.vbs ? startVbsSimulator({ projectId: HUAWEI_PROJECT, credentials: [HUAWEI_KEYS], jobDurationMs: 30, ...options.vbs }) : null,
    options.taurusDb
      ? startTaurusDbSimulator({ projectId: HUAWEI_PROJECT, credentials: HUAWEI_KEYS, jobDurationMs: 30, ...options.taurusDb })
      : null,
    options.cbr ? startCbrSimulator({ projectId: HUAWEI_PROJECT, credentials: [HUAWEI_KEYS], jobDurationMs: 30, ...options.cbr }) : null,
  ]);

  const env = { ZS_PASSWORD: ZSTACK_PASSWORD, HW_AK: HUAWEI_KEYS.accessKey, HW_SK: HUAWEI_KEYS.secretKey, ...options.env };
  const huaweiAuth = { accessKey: { env: 'HW_AK' }, secretKey: { env: 'HW_SK' } };
  const timeoutMs = (name: StackProviderName) => options.providerTimeoutMs?.[name] ?? options.timeoutMs ?? 5_000;
  const endpoint = (name: StackProviderName, simulatorUrl: string) => options.endpoints?.[name] ?? simulatorUrl;
  const upstream = (name: StackProviderName) => (options.providerUpstream?.[name] ? { upstream: options.providerUpstream[name] } : {});
  const providers: NonNullable<ConfigFile['tenants'][number]['providers']> = [];
  if (zstack) {
    providers.push({ kind: 'zstack', name: 'zs', endpoint: endpoint('zs', zstack.url), accountName: 'admin', password: { env: 'ZS_PASSWORD' }, timeoutMs: timeoutMs('zs'), ...upstream('zs') });
  }
  if (vbs) {
    providers.push({ kind: 'huawei-vbs', name: 'vbs', endpoint: endpoint('vbs', vbs.url), projectId: HUAWEI_PROJECT, auth: huaweiAuth, timeoutMs: timeoutMs('vbs'), ...upstream('vbs') });
  }
  if (taurusDb) {
    providers.push({ kind: 'huawei-taurusdb', name: 'tdb', endpoint: endpoint('tdb', taurusDb.url), projectId: HUAWEI_PROJECT, auth: huaweiAuth, timeoutMs: timeoutMs('tdb'), ...upstream('tdb') });
  }
  if (cbr) {
    providers.push({ kind: 'huawei-cbr', name: 'cbr', endpoint: endpoint('cbr', cbr.url), projectId: HUAWEI_PROJECT, auth: huaweiAuth, timeoutMs: timeoutMs('cbr'), ...upstream('cbr') });
  }

  const rawConfig: ConfigFile = {
      server: { port: 0, host: '127.0.0.1' },
      jobs: { pollIntervalMs: options.jobsPollIntervalMs ?? 20 },
      tenants: [
        {
          name: tenant,
          apiKeys: [
            { sha256: sha256Hex(apiKey) },
            ...(options.keys ?? []).map(({ key, ...rest }) => ({ sha256: sha256Hex(key), ...rest })),
          ],
          providers,
          ...(options.responseCache ? { responseCache: options.responseCache } : {}),
        },
        ...(options.otherTenant
          ? [{ name: 'globex', apiKeys: [{ sha256: sha256Hex('key-globex') }], providers: providers.filter((p) => p.kind === 'zstack'), ...(options.responseCache ? { responseCache: options.responseCache } : {}) }]
          : []),
      ],
      // Tests send requests back to back; only those about rate limits set limits that bite.
      rateLimits: { mutationsPerSecond: 100_000, costPerSecond: 10_000_000 },
      // Each in-process stack keeps its state to itself; the restart tests name a data directory.
      state: { dataDir: ':memory:' },
      ...options.extra,
  };
  const config = parseConfig(rawConfig, env);

  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(String(chunk));
      callback();
    },
  });
  const gateway = await createGateway(config, {
    logger: createLogger({ level: 'debug', destination }),
    providerFactory: options.providerFactory,
    clock: options.clock,
  });

  const simulators = [
    ['zstack', zstack],
    ['vbs', vbs],
    ['taurusdb', taurusDb],
    ['cbr', cbr],
  ] as const;

  return {
    gateway,
    zstack,
    vbs,
    taurusDb,
    cbr,
    apiKey,
    logs,
    rawConfig,
    env,
    async graphql(document, variables, requestOptions = {}) {
      const key = requestOptions.apiKey === undefined ? apiKey : requestOptions.apiKey;
      const response = await fetch(gateway.graphqlUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...requestOptions.headers,
        },
        body: JSON.stringify({ query: typeof document === 'string' ? document : print(document), variables }),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse<never>['body'] };
    },
    upstreamRequests() {
      return simulators
        .flatMap(([vendor, sim]) => (sim ? sim.server.requests().map((r) => ({ vendor, ...r })) : []))
        .sort((a, b) => a.at - b.at)
        .map(({ vendor, method, path, query, status }) => ({ vendor, method, path, query, status }));
    },
    clearUpstreamRequests() {
      for (const [, sim] of simulators) sim?.server.clearRequests();
    },
    async close() {
      await gateway.close();
      await Promise.all(simulators.map(([, sim]) => sim?.close()));
    },
  };
}
