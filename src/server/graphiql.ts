import type { IncomingMessage, ServerResponse } from 'node:http';
import { PAGE_HEADERS, refuseForeignRequest } from './page-headers.js';
import { StaticAssets } from './static-assets.js';

/** What the demo's GraphiQL opens with: press run and see every vendor's newest backups. */
// Lines short enough for GraphiQL's editor pane at 1280 px, beside the results pane.
const DEMO_QUERY = `# The newest backups across every vendor.
# Run it: the play button, or Ctrl-Enter.
query NewestBackups {
  backups(first: 10) {
    edges {
      node {
        name
        status
        createdAt
        provider { name kind }
      }
    }
  }
}
`;

export const GRAPHIQL_ASSETS = '/graphiql/assets/';

/**
 * Starts GraphiQL on the page: Monaco's workers from the gateway's own files (no blob: URLs), the
 * options from the page's JSON block. A file of its own, so that the page needs no inline script.
 */
const BOOT = `(function () {
  var options = JSON.parse(document.getElementById('graphiql-options').textContent);
  var workers = options.workers;
  delete options.workers;
  self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: function (moduleId, label) { return workers[label]; } };
  YogaGraphiQL.renderYogaGraphiQL(document.querySelector('#root'), options);
})();
`;

/** JSON inside a <script> element: nothing in it may close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

export interface GraphiQL {
  /** Answers the GraphiQL page (GET /graphql asking for HTML) and its assets; false for anything else. */
  serve(req: IncomingMessage, res: ServerResponse): boolean;
}

/** Is this a browser asking for the GraphiQL page? */
export function asksForGraphiQL(req: IncomingMessage, graphqlPath: string): boolean {
  const path = (req.url ?? '').split('?')[0];
  return req.method === 'GET' && (path === graphqlPath || path === `${graphqlPath}/`) && (req.headers.accept ?? '').includes('text/html');
}

/**
 * GraphiQL as a small page and separate files: yoga's own renderer inlines 9 MB of scripts into the
 * page on every request, which let anonymous clients cost the gateway gigabytes. Here the registry
 * package's scripts (still nothing from any other host, so it works offline) are loaded once, when
 * the gateway starts with GraphiQL on, and served compressed under hashed names. In demo mode the
 * page's headers hold the demo key.
 */
export async function loadGraphiQL(graphqlPath: string, demoApiKey: string | undefined): Promise<GraphiQL> {
  const bundle = await import('@graphql-yoga/render-graphiql/graphiql');
  const favicon = Buffer.from(bundle.favicon.slice(bundle.favicon.indexOf(',') + 1), 'base64');
  const assets = new StaticAssets(GRAPHIQL_ASSETS, [
    { name: 'graphiql', extension: '.js', body: bundle.js },
    { name: 'graphiql', extension: '.css', body: bundle.css },
    { name: 'boot', extension: '.js', body: BOOT },
    { name: 'editor-worker', extension: '.js', body: bundle.editorWorkerService },
    { name: 'json-worker', extension: '.js', body: bundle.jsonWorker },
    { name: 'graphql-worker', extension: '.js', body: bundle.graphqlWorker },
    { name: 'favicon', extension: '.ico', body: favicon },
  ]);
  const options = {
    title: 'backupgraph',
    headers: demoApiKey ? JSON.stringify({ Authorization: `Bearer ${demoApiKey}` }) : undefined,
    defaultQuery: demoApiKey ? DEMO_QUERY : undefined,
    workers: { editorWorkerService: assets.url('editor-worker.js'), json: assets.url('json-worker.js'), graphql: assets.url('graphql-worker.js') },
  };
  const page = Buffer.from(`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>backupgraph</title>
    <link rel="icon" href="${assets.url('favicon.ico')}" />
    <link rel="stylesheet" href="${assets.url('graphiql.css')}" />
    <script type="application/json" id="graphiql-options">${scriptJson(options)}</script>
    <script src="${assets.url('graphiql.js')}" defer></script>
    <script src="${assets.url('boot.js')}" defer></script>
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>GraphiQL needs JavaScript.</noscript>
    <div id="root"></div>
  </body>
</html>
`);

  return {
    serve(req, res) {
      if (assets.serve(req, res)) return true;
      if (!asksForGraphiQL(req, graphqlPath)) return false;
      if (refuseForeignRequest(req, res, demoApiKey !== undefined, 'GraphiQL')) return true;
      res.writeHead(200, { ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8', 'content-length': page.length }).end(page);
      return true;
    },
  };
}
