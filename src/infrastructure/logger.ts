import { randomUUID } from 'node:crypto';
import { pino, type DestinationStream, type Logger } from 'pino';
import { currentCall, within } from './call-context.js';

/**
 * One pino logger for the gateway, with the paths that could hold credentials censored before
 * anything is written. Every line logged while a request or subscription is served carries its id,
 * from the request scope (call-context.ts), which also counts the upstream calls made on the
 * request's behalf: the HTTP layer below the adapters has no other way to know whose call it makes.
 */

export interface RequestScope {
  requestId: string;
  /** Upstream calls made on this request's behalf so far (for its log line). */
  upstreamCalls: number;
  /** Epoch ms by which the whole GraphQL request must be answered; every upstream call inherits it. */
  deadline?: number;
  /** Whose request this is (the API key's hash): upstream lanes share their slots fairly between callers. */
  caller?: string;
}

export function runInRequestScope<T>(requestId: string, fn: () => T, deadline?: number, caller?: string): T {
  const scope: RequestScope = { requestId, upstreamCalls: 0 };
  if (deadline !== undefined) scope.deadline = deadline;
  if (caller !== undefined) scope.caller = caller;
  return within({ request: scope }, fn);
}

export function currentRequestId(): string | undefined {
  return currentCall()?.request?.requestId;
}

export function noteUpstreamCall(): void {
  const scope = currentCall()?.request;
  if (scope) scope.upstreamCalls += 1;
}

export function upstreamCallsSoFar(): number {
  return currentCall()?.request?.upstreamCalls ?? 0;
}

/**
 * Runs `fn` outside any request's scope: background work that a request merely set off (the status
 * watcher's next tick) must not inherit that request's id, its deadline or its upstream budget.
 */
export function outsideRequestScope<T>(fn: () => T): T {
  return within({ request: undefined, budget: undefined }, fn);
}

/** The deadline of the request being served; `undefined` outside a request (the status watcher). */
export function currentDeadline(): number | undefined {
  return currentCall()?.request?.deadline;
}

/** Whose request is being served; `undefined` outside a request. */
export function currentCaller(): string | undefined {
  return currentCall()?.request?.caller;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Keeps a caller's X-Request-Id when it is harmless, otherwise makes one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}

export const REDACTED_PATHS = [
  'password',
  '*.password',
  'secretKey',
  '*.secretKey',
  'accessKey',
  '*.accessKey',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-auth-token"]',
  'connectionParams',
];

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      name: 'backupgraph',
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
    },
    options.destination,
  );
}

export type { Logger };
