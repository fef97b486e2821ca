// A query over HTTP with Node's own fetch: `node examples/query.mjs`
// BACKUPGRAPH_URL (default http://127.0.0.1:4000/graphql) and BACKUPGRAPH_API_KEY (the demo prints one).
const url = process.env.BACKUPGRAPH_URL ?? 'http://127.0.0.1:4000/graphql';
const apiKey = process.env.BACKUPGRAPH_API_KEY;
if (!apiKey) throw new Error('set BACKUPGRAPH_API_KEY');

const response = await fetch(url, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
  body: JSON.stringify({ query: '{ backups(first: 5) { edges { node { name status provider { name } } } } }' }),
});
console.log(JSON.stringify(await response.json(), null, 2));
