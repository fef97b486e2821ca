import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

export const METRICS_PATH = '/metrics';

/**
 * GET /metrics in the Prometheus text format. With a token configured, only a scraper that sends
 * `Authorization: Bearer <token>` gets it (the series name providers and vendor error codes).
 */
export function serveMetrics(req: IncomingMessage, res: ServerResponse, registry: Registry, token: string | undefined): void {
  if (token !== undefined && !bearerMatches(req.headers.authorization, token)) {
    res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' }).end('metrics need a bearer token\n');
    return;
  }
  registry.metrics().then(
    (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
    () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
  );
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.replace(/^Bearer\s+/i, '') ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
