import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * What every HTML page of the gateway (GraphiQL, the console) is served with. Scripts come only
 * from the gateway's own files (no inline script, no eval); no other site may frame the page or
 * read it; the browser takes declared types as they are. Styles may be inline: GraphiQL's editor
 * and the console's components set them at run time, and a style cannot send a key anywhere that
 * `connect-src` and `img-src` do not allow.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self'",
    "worker-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-store',
};

/** A request a browser sent on behalf of another site (a page there fetching or framing this one). */
export function isCrossOrigin(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = req.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

/**
 * A page holding the demo key is served to its own origin only: a cross-site fetch or frame gets
 * 403 (a browser that honours the headers above would refuse the frame anyway; one that does not
 * gets no key). Returns true when the request was refused.
 */
export function refuseForeignRequest(req: IncomingMessage, res: ServerResponse, holdsKey: boolean, what: string): boolean {
  const framed = req.headers['sec-fetch-dest'] === 'iframe' || req.headers['sec-fetch-dest'] === 'frame';
  if (!holdsKey || !(isCrossOrigin(req) || (framed && req.headers['sec-fetch-site'] !== 'same-origin'))) return false;
  res.writeHead(403, { 'content-type': 'text/plain', 'x-content-type-options': 'nosniff' }).end(`${what} is served to its own origin only`);
  return true;
}
