import { randomUUID } from 'node:crypto';
import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * One pino logger for the gateway, with the paths that could hold credentials censored before
 * anything is written. A request's lines carry its id because they go through the request's own
 * child logger (`ctx.log`), not through AsyncLocalStorage: on Node 20 that turns on promise hooks for
 * every promise of the process, which cost the dashboard several percent of its CPU.
 */

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
    },
    options.destination,
  );
}

export type { Logger };
