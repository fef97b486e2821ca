import { setMaxListeners } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExecutionArgs } from 'graphql';
import { createPubSub, createSchema, createYoga, filter, pipe } from 'graphql-yoga';
import type { OperationResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { serveBenchControl } from './server-process.js';

/**
 * The peer of the live-status benchmark: a plain graphql-yoga + graphql-ws server as the yoga docs
 * teach it (in-memory `createPubSub`, a mutation publishes, `useServer` with yoga's envelop in
 * `onSubscribe`), where each subscriber executes its own copy of every event. It serves the same
 * subscription document as backupgraph (current state first, then changes); a change is a mutation.
 */

type Status = 'CREATING' | 'READY';
interface StatusEvent {
  backup: { id: string; status: Status };
  previousStatus: Status | null;
  status: Status;
  occurredAt: string;
}

// One listener per subscriber on the pubsub's EventTarget: thousands are expected, not a leak.
const eventTarget = new EventTarget();
setMaxListeners(0, eventTarget);
const pubSub = createPubSub<{ backupStatusChanged: [StatusEvent] }>({ eventTarget });
const statuses = new Map<string, Status>();

const schema = createSchema({
  typeDefs: /* GraphQL */ `
    enum BackupStatus { CREATING READY }
    type Backup { id: ID! status: BackupStatus! }
    type BackupStatusEvent { backup: Backup! previousStatus: BackupStatus status: BackupStatus! occurredAt: String! }
    input BackupStatusFilter { ids: [ID!] }
    type Query { backup(id: ID!): Backup }
    type Mutation { setBackupStatus(id: ID!, status: BackupStatus!): Backup! }
    type Subscription { backupStatusChanged(filter: BackupStatusFilter): BackupStatusEvent! }
  `,
  resolvers: {
    Query: {
      backup: (_: unknown, { id }: { id: string }) => ({ id, status: statuses.get(id) ?? 'READY' }),
    },
    Mutation: {
      setBackupStatus: (_: unknown, { id, status }: { id: string; status: Status }) => {
        const previousStatus = statuses.get(id) ?? 'READY';
        statuses.set(id, status);
        pubSub.publish('backupStatusChanged', { backup: { id, status }, previousStatus, status, occurredAt: new Date().toISOString() });
        return { id, status };
      },
    },
    Subscription: {
      backupStatusChanged: {
        subscribe: async function* (_: unknown, { filter: wanted }: { filter?: { ids?: string[] } }) {
          const watches = (event: StatusEvent) => !wanted?.ids || wanted.ids.includes(event.backup.id);
          for (const id of wanted?.ids ?? []) {
            const status = statuses.get(id) ?? 'READY';
            yield { backup: { id, status }, previousStatus: null, status, occurredAt: new Date().toISOString() };
          }
          yield* pipe(pubSub.subscribe('backupStatusChanged'), filter(watches));
        },
        resolve: (event: StatusEvent) => event,
      },
    },
  },
});

const yoga = createYoga({ schema, landingPage: false, graphiql: false, logging: false });
const server = http.createServer(yoga);
const wsServer = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
type Executor = (args: ExecutionArgs) => OperationResult;
useServer<Record<string, unknown>, { request: http.IncomingMessage; socket: unknown }>(
  {
    execute: (args: ExecutionArgs) => (args.rootValue as { execute: Executor }).execute(args),
    subscribe: (args: ExecutionArgs) => (args.rootValue as { subscribe: Executor }).subscribe(args),
    onSubscribe: async (ctx, _id, params) => {
      const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({ ...ctx, req: ctx.extra.request, socket: ctx.extra.socket, params });
      const args = {
        schema,
        operationName: params.operationName,
        document: parse(params.query),
        variableValues: params.variables,
        contextValue: await contextFactory(),
        rootValue: { execute, subscribe },
      };
      const errors = validate(args.schema, args.document);
      return errors.length ? errors : args;
    },
  },
  wsServer,
);

await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
serveBenchControl(`http://127.0.0.1:${port}${yoga.graphqlEndpoint}`, async () => {
  for (const client of wsServer.clients) client.terminate();
  await new Promise((resolve) => server.close(resolve));
});
