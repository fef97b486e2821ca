// Backup status changes over Server-Sent Events (graphql-sse): `node examples/subscribe-sse.mjs [events]`
// Stops after `events` events when given. BACKUPGRAPH_URL and BACKUPGRAPH_API_KEY as in query.mjs.
import { createClient } from 'graphql-sse';

const url = process.env.BACKUPGRAPH_URL ?? 'http://127.0.0.1:4000/graphql';
const apiKey = process.env.BACKUPGRAPH_API_KEY;
if (!apiKey) throw new Error('set BACKUPGRAPH_API_KEY');
const wanted = Number(process.argv[2] ?? Infinity);

const client = createClient({
  url,
  headers: { authorization: `Bearer ${apiKey}` },
  on: { connected: () => console.error('connected') },
});

let seen = 0;
const query = 'subscription { backupStatusChanged { backup { name } previousStatus status } }';
for await (const event of client.iterate({ query })) {
  console.log(JSON.stringify(event.data));
  if (++seen >= wanted) break;
}
client.dispose();
