import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, configProblems, formatPath } from './config-problems.js';
import { DEFAULT_UPSTREAM_SETTINGS, type UpstreamSettings } from './upstream-guard.js';
import { upstreamSettings } from './upstream-settings.js';
import { DEFAULT_COMMAND_TIMEOUT_MS } from './redis.js';
import { name, provider, secretRef, url } from './provider-config.js';

/**
 * The config file (YAML or JSON) as operators write it, validated in full before anything starts:
 * a bad file stops the start with the path of every bad field. Secrets are references
 * (`{ env: NAME }` or `{ file: PATH }`), resolved here and never printed.
 */


/** What a key may do (see core/access.ts); a key with no `scopes` may do all of it, as before scopes existed. */
export const SCOPES = ['read', 'backup', 'restore', 'delete', 'policy'] as const;

const apiKey = z
  .object({
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the SHA-256 of an API key (64 lowercase hex); make a key and this line with `npm run hash-key` (in the image: `node dist/main.js hash-key`)'),
    /** Names the key in the audit log and in logs; the key itself is never written anywhere. */
    label: z.string().regex(/^[A-Za-z0-9 ._@:-]{1,64}$/, 'must be 1-64 letters, digits, spaces or ._@:-').optional(),
    scopes: z.array(z.enum(SCOPES)).min(1).optional(),
    /** The federation router's key: may read `_service` and `_entities` when introspection is off. */
    federationRouter: z.boolean().default(false),
  })
  .strict();

/**
 * Answers to queries kept for a short time and served again to keys of the same tenant with the same
 * scopes (server/response-cache.ts). Off unless enabled: many consoles polling one dashboard.
 */
const responseCache = z
  .object({
    enabled: z.boolean().default(false),
    /** The longest an answer is served again. */
    ttlMs: z.number().int().min(1).max(300_000).default(2_000),
    /** Shorter lives for answers holding a type (`{ "Job": 500 }`): the shortest one in the answer wins. */
    ttlMsPerType: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a GraphQL type name'), z.number().int().min(0).max(300_000)).default({}),
  })
  .strict();

const tenant = z
  .object({
    name,
    apiKeys: z.array(apiKey).min(1),
    providers: z.array(provider).default([]),
    responseCache: responseCache.prefault({}),
  })
  .strict()
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.providers.forEach((p, index) => {
      if (seen.has(p.name)) ctx.addIssue({ code: 'custom', path: ['providers', index, 'name'], message: `duplicate provider name ${p.name}` });
      seen.add(p.name);
    });
  });

export const configSchema = z
  .object({
    server: z
      .object({
        port: z.number().int().min(0).max(65_535).default(4000),
        host: z.string().default('127.0.0.1'),
        /** GraphiQL at GET /graphql (Accept: text/html): off unless chosen; the demo turns it on. */
        graphiql: z.boolean().default(false),
        /** The backup console at /console (console/); the person enters an API key, kept in session storage. */
        console: z.boolean().default(false),
        /** The longest a GraphQL request may take; every upstream call it makes inherits what is left. */
        requestDeadlineMs: z.number().int().min(100).max(600_000).default(15_000),
        /** false: no introspection, and `_service`/`_entities` only for a key marked `federationRouter`. */
        introspection: z.boolean().default(true),
        /** "Did you mean …" (fields, arguments, types, enum values) in errors: it maps the schema, so off unless chosen, and off with introspection. */
        fieldSuggestions: z.boolean().default(false),
        /** Largest operation the gateway accepts (see plugins/use-operation-limits.ts and use-query-cost.ts). */
        limits: z
          .object({
            maxDepth: z.number().int().min(2).default(12),
            maxAliases: z.number().int().min(1).default(30),
            maxTokens: z.number().int().min(100).default(5_000),
            /** Upstream calls one operation may cost at most, counted with its variables. */
            maxCost: z.number().int().min(1).default(1_000),
            /** Ids one list argument may carry (`nodes(ids)`, `filter.ids` ...). */
            maxIds: z.number().int().min(1).max(10_000).default(100),
            /** Characters of a filter string (`nameContains`). */
            maxFilterLength: z.number().int().min(1).max(4_096).default(128),
          })
          .strict()
          .prefault({}),
        /** Prometheus exposition at GET /metrics; with `token`, only for `Authorization: Bearer <token>`. */
        metrics: z
          .object({ enabled: z.boolean().default(true), token: secretRef.optional() })
          .strict()
          .prefault({}),
        /** Trusted documents: a manifest of `{ "<sha256>": "<document>" }`; with `enforce`, nothing else runs. */
        persistedDocuments: z.object({ manifest: z.string().min(1), enforce: z.boolean().default(false) }).strict().optional(),
        /** Node's HTTP server limits: a slow or huge request is cut before it costs memory. */
        http: z
          .object({
            maxBodyBytes: z.number().int().min(1_024).max(100 * 1024 * 1024).default(1024 * 1024),
            requestTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
            headersTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
            maxConnections: z.number().int().min(1).max(1_000_000).default(10_000),
            /** Bytes a streamed response (SSE) may have waiting for a client that does not read; beyond, it is closed. */
            maxBufferedBytes: z.number().int().min(64 * 1024).max(1024 * 1024 * 1024).default(4 * 1024 * 1024),
            /** A connection whose response bytes wait this long without the client taking any is closed. */
            writeTimeoutMs: z.number().int().min(100).max(600_000).default(15_000),
          })
          .strict()
          .prefault({}),
        /** Origins allowed to call the gateway from a browser; none (the default) means no CORS headers at all. */
        cors: z
          .object({ origins: z.array(z.url()).default([]) })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /**
     * OpenTelemetry traces, exported over OTLP/HTTP. Off unless `enabled` or the standard variables
     * ask for it (OTEL_TRACES_EXPORTER=otlp, OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT).
     */
    tracing: z
      .object({
        enabled: z.boolean().default(false),
        /** Traces endpoint, e.g. http://collector:4318/v1/traces; OTEL_EXPORTER_OTLP_* apply when absent. */
        otlpEndpoint: url.optional(),
        serviceName: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    /** Per API key, shared by every replica through Redis when `redis` is set. */
    rateLimits: z
      .object({
        mutationsPerSecond: z.number().int().min(1).max(100_000).default(10),
        /**
         * Upstream requests per second: a query is admitted while the second holds its price and is
         * charged what it actually made; subscription events spend each read as they make it.
         */
        costPerSecond: z.number().int().min(1).max(10_000_000).default(5_000),
      })
      .strict()
      .prefault({}),
    jobs: z
      .object({
        /** Legacy: `watcher.minIntervalMs` replaces it and wins when both are given. */
        pollIntervalMs: z.number().int().min(10).max(60_000).default(1_000),
        /**
         * How long a job waits for its vendor to record the work it follows (a policy run's history
         * entry or backup task, a checkpoint's backup) before it ends FAILED with RUN_NOT_RECORDED.
         * Below the watch registry's one-day hold on moving jobs.
         */
        unrecordedTimeoutMs: z.number().int().min(10_000).max(6 * 60 * 60_000).default(30 * 60_000),
      })
      .strict()
      .prefault({}),
    /** The status watcher: one poller per provider instance, whatever the number of subscribers. */
    watcher: z
      .object({
        /** Poll interval while something is moving (a job runs, a backup is being created). */
        minIntervalMs: z.number().int().min(10).max(60_000).optional(),
        /** The interval doubles up to this while nothing moves. */
        maxIntervalMs: z.number().int().min(10).max(600_000).default(15_000),
        /** How long a replica's claim on polling a provider lasts without renewal (Redis only). */
        leaseMs: z.number().int().min(200).max(300_000).default(10_000),
        /** How long a subscription's watch outlives its last renewal (a replica that died stops renewing). */
        watchTtlMs: z.number().int().min(500).max(3_600_000).default(60_000),
        /**
         * Backups (and, apart, snapshots) one provider instance may have watched at once; beyond it new
         * ones are not followed (logged once) until watched ones settle. Bounds state and vendor calls per round.
         */
        maxWatchedPerProvider: z.number().int().min(1).max(1_000_000).default(1_000),
        /**
         * Base URL at which the vendors reach this gateway (e.g. http://10.0.0.5:4000); with it, ZStack
         * jobs report their end to `<callbackUrl>/hooks/zstack/<tenant>/<provider>` (X-Web-Hook) and are
         * polled only as a fallback.
         */
        callbackUrl: url.optional(),
        /**
         * Key of the token each callback URL ends with (HMAC-SHA256 of tenant and provider): the same
         * on every replica behind one callback URL. Made at start when absent, so that a callback
         * reaching another replica or a restarted one is refused (404) and the job is polled instead.
         */
        callbackSecret: secretRef.optional(),
      })
      .strict()
      .refine((w) => w.minIntervalMs === undefined || w.minIntervalMs <= w.maxIntervalMs, {
        message: 'minIntervalMs must not exceed maxIntervalMs',
        path: ['minIntervalMs'],
      })
      .default({ maxIntervalMs: 15_000, leaseMs: 10_000, watchTtlMs: 60_000, maxWatchedPerProvider: 1_000 }),
    /** Limits that keep slow or idle subscribers from holding memory. */
    subscriptions: z
      .object({
        /** Subscriptions one WebSocket may hold at once. */
        maxPerSocket: z.number().int().min(1).max(10_000).default(100),
        /** Subscriptions one API key may hold at once, over every socket and SSE stream of this replica. */
        maxPerKey: z.number().int().min(1).max(1_000_000).default(500),
        /** WebSockets one API key may hold open at once on this replica. */
        maxSocketsPerKey: z.number().int().min(1).max(100_000).default(50),
        /** Largest WebSocket message read, before or after authentication. */
        maxPayloadBytes: z.number().int().min(1_024).max(100 * 1024 * 1024).default(64 * 1024),
        /** Events a subscription may have waiting for its consumer; beyond, it is closed with a reason. */
        maxBufferedEvents: z.number().int().min(1).max(100_000).default(256),
        /** A WebSocket that sends no `connection_init` in this time is closed (4408). */
        connectionInitTimeoutMs: z.number().int().min(100).max(60_000).default(3_000),
        /** Ping interval; a socket that did not answer the previous ping is dropped. */
        heartbeatMs: z.number().int().min(100).max(300_000).default(30_000),
      })
      .strict()
      .prefault({}),
    upstream: upstreamSettings.default(DEFAULT_UPSTREAM_SETTINGS),
    /**
     * Where a gateway without `redis` keeps its jobs and idempotency records, so that they survive a
     * restart: a SQLite file, `<dataDir>/backupgraph.db`, held by one gateway at a time. `:memory:`
     * keeps them in the process instead (tests; nothing survives). With `redis`, Redis holds them.
     */
    state: z
      .object({ dataDir: z.string().min(1).default('./data') })
      .strict()
      .prefault({}),
    redis: z
      .object({
        url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
        /** Prefix of every key and channel, so several deployments (or test runs) can share one Redis. */
        keyPrefix: z.string().regex(/^[A-Za-z0-9:_.-]{1,64}$/).default('backupgraph:'),
        /** A Redis command that has not answered within this fails; must be shorter than the request deadline. */
        commandTimeoutMs: z.number().int().min(10).max(60_000).default(DEFAULT_COMMAND_TIMEOUT_MS),
      })
      .strict()
      .optional(),
    tenants: z.array(tenant).min(1),
  })
  .strict()
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.tenants.forEach((t, index) => {
      if (seen.has(t.name)) ctx.addIssue({ code: 'custom', path: ['tenants', index, 'name'], message: `duplicate tenant name ${t.name}` });
      seen.add(t.name);
    });
    if (value.redis && value.redis.commandTimeoutMs >= value.server.requestDeadlineMs) {
      ctx.addIssue({ code: 'custom', path: ['redis', 'commandTimeoutMs'], message: 'must be shorter than server.requestDeadlineMs' });
    }
  });

export type ConfigFile = z.input<typeof configSchema>;
type Parsed = z.output<typeof configSchema>;
type SecretRef = z.output<typeof secretRef>;

/** The config with every secret reference replaced by its value. */
type Resolved<T> = T extends SecretRef ? string : T extends (infer U)[] ? Resolved<U>[] : T extends object ? { [K in keyof T]: Resolved<T[K]> } : T;
export type GatewayConfig = Resolved<Parsed>;
export type TenantConfig = GatewayConfig['tenants'][number];
export type ProviderConfig = TenantConfig['providers'][number];
export type HuaweiAuthConfig = Extract<ProviderConfig, { kind: 'huawei-vbs' }>['auth'];

/**
 * A provider's upstream settings: the gateway-wide ones with the provider's overrides on top, checked
 * against the same rules (a bad override stops the start like any bad field).
 */
export function upstreamSettingsOf(config: GatewayConfig, provider: ProviderConfig): UpstreamSettings {
  const own = provider.upstream ?? {};
  const merged = {
    circuit: { ...config.upstream.circuit, ...own.circuit },
    retry: { ...config.upstream.retry, ...own.retry },
    reads: { ...config.upstream.reads, ...own.reads },
    writes: { ...config.upstream.writes, ...own.writes },
    lostCreateGraceMs: own.lostCreateGraceMs ?? config.upstream.lostCreateGraceMs,
  };
  const result = upstreamSettings.safeParse(merged);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${provider.name}.upstream.${formatPath(issue.path)}: ${issue.message}`));
  }
  return result.data;
}

export { ConfigError };

export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return parseConfig(readConfigFile(path), env);
}

/** The file's content as data, before validation. */
export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ConfigError([], `config file not found: ${path}`);
    throw new ConfigError([`${path}: ${(error as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError([`${path}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`]);
  }
  return raw;
}

/**
 * The config as the gateway runs it, every default filled in, for operators to read: secrets stay
 * references (`{ env: NAME }`), and a password in the Redis URL is masked.
 */
export function effectiveConfig(raw: unknown): z.output<typeof configSchema> {
  const parsed = configSchema.parse(raw);
  if (!parsed.redis) return parsed;
  const redisUrl = new URL(parsed.redis.url);
  if (redisUrl.password) redisUrl.password = 'redacted';
  return { ...parsed, redis: { ...parsed.redis, url: redisUrl.toString() } };
}

export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const result = configProblems(configSchema, raw);
  if (result.data === undefined) throw new ConfigError(result.problems);
  const problems: string[] = [];
  const resolved = resolveSecrets(result.data, [], env, problems) as GatewayConfig;
  if (problems.length > 0) throw new ConfigError(problems);
  for (const tenant of resolved.tenants) for (const provider of tenant.providers) upstreamSettingsOf(resolved, provider);
  return resolved;
}

function resolveSecrets(value: unknown, path: PropertyKey[], env: NodeJS.ProcessEnv, problems: string[]): unknown {
  if (Array.isArray(value)) return value.map((item, index) => resolveSecrets(item, [...path, index], env, problems));
  if (value === null || typeof value !== 'object') return value;
  const ref = secretRef.safeParse(value);
  if (ref.success) {
    if ('env' in ref.data) {
      const secret = env[ref.data.env];
      if (!secret) problems.push(`${formatPath(path)}: environment variable ${ref.data.env} is not set`);
      return secret ?? '';
    }
    try {
      return readFileSync(ref.data.file, 'utf8').trim();
    } catch {
      problems.push(`${formatPath(path)}: secret file ${ref.data.file} cannot be read`);
      return '';
    }
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveSecrets(item, [...path, key], env, problems)]));
}
