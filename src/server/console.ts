import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAGE_HEADERS, refuseForeignRequest } from './page-headers.js';

/**
 * The backup console (console/, built by Vite into console/dist) at /console. Its assets are
 * files on disk with hashed names, cached for good; index.html is served per request so that in
 * demo mode it carries the demo key (as GraphiQL's headers do) in a meta tag. Elsewhere the page
 * asks the person for a key and keeps it in session storage.
 */

const CONSOLE_PATH = '/console';
// src/server and dist/server are both two levels below the repository root.
const BUILT = fileURLToPath(new URL('../../console/dist/', import.meta.url));
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

async function sendPage(res: ServerResponse, demoApiKey: string | undefined): Promise<void> {
  const html = await readFile(join(BUILT, 'index.html'), 'utf8');
  const page = demoApiKey ? html.replace('<head>', `<head>\n    <meta name="backupgraph-demo-key" content="${escapeAttribute(demoApiKey)}" />`) : html;
  res.writeHead(200, { ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8' }).end(page);
}

async function sendAsset(res: ServerResponse, path: string): Promise<void> {
  // Only files under console/dist/assets: `..` segments never leave it.
  const file = normalize(join(BUILT, path));
  const type = TYPES[extname(file)];
  if (!file.startsWith(join(BUILT, 'assets') + sep) || !type) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  const body = await readFile(file);
  res.writeHead(200, {
    'content-type': type,
    'cache-control': 'public, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
    'cross-origin-resource-policy': 'same-origin',
  }).end(body);
}

/** Answers requests under /console and returns true; false for every other path. */
export function serveConsole(req: IncomingMessage, res: ServerResponse, demoApiKey: string | undefined): boolean {
  const path = (req.url ?? '').split('?')[0]!;
  if (path !== CONSOLE_PATH && !path.startsWith(`${CONSOLE_PATH}/`)) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return true;
  }
  const rest = path.slice(CONSOLE_PATH.length + 1);
  const isAsset = rest.startsWith('assets/');
  if (!isAsset && refuseForeignRequest(req, res, demoApiKey !== undefined, 'The demo console')) return true;
  const answered = isAsset ? sendAsset(res, rest) : sendPage(res, demoApiKey);
  answered.catch(() => {
    if (res.headersSent) return;
    if (isAsset) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    else res.writeHead(503, { 'content-type': 'text/plain' }).end('The console is not built: run `npm run build:console`');
  });
  return true;
}
