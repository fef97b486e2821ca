// Backup status changes over WebSocket (graphql-ws): `node examples/subscribe-ws.mjs [events]`
// Stops after `events` events when given. BACKUPGRAPH_URL and BACKUPGRAPH_API_KEY as in query.mjs.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const url = (process.env.BACKUPGRAPH_URL ?? 'http://127.0.0.1:4000/graphql').replace(/^http/, 'ws');
const apiKey = process.env.BACKUPGRAPH_API_KEY;
if (!apiKey) throw new Error('set BACKUPGRAPH_API_KEY');
const wanted = Number(process.argv[2] ?? Infinity);

const client = createClient({
  url,
  // Node 20 has no global WebSocket: graphql-ws needs one handed to it.
  webSocketImpl: WebSocket,
  connectionParams: { authorization: `Bearer ${apiKey}` },
  on: { connected: () => console.error('connected') },
});

let seen = 0;
const query = 'subscription { backupStatusChanged { backup { name } previousStatus status } }';
for await (const event of client.iterate({ query })) {
  console.log(JSON.stringify(event.data));
  if (++seen >= wanted) break;
}
await client.dispose();
