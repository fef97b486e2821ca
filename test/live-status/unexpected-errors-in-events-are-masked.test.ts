import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/domain/ids.js';
import { createProvider } from '../../src/providers/registry.js';
import { startStack, type Stack } from '../support/stack.js';
import { PROVIDER_KEY, sseClient, subscribe, wsClient, wsUrl, type Live } from './live-clients.js';

/**
 * An unexpected exception while a subscription's event is executed reaches the client masked, with
 * the request id to quote, and the log has the original under that id: over WebSocket (where the
 * gateway iterates the stream itself and masks it, graphql-ws-server.ts) as over SSE (yoga masks).
 */

const WITH_VOLUME = /* GraphQL */ `
  subscription Backups($filter: BackupStatusFilter) {
    backupStatusChanged(filter: $filter) {
      backup { id volume { name } }
      status
    }
  }
`;

type Event = { backupStatusChanged: { backup: { id: string; volume: { name: string } | null }; status: string } };

describe('live status: unexpected errors in events are masked', () => {
  let stack: Stack;
  let variables: { filter: { ids: string[] } };
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    stack = await startStack({
      providerFactory: (tenant, config) => {
        const provider = createProvider(tenant, config);
        provider.getVolumes = async () => {
          throw new TypeError('cannot read properties of undefined (reading "uuid")');
        };
        return provider;
      },
    });
    const [uuid] = [...stack.zstack!.state.volumeBackups.keys()];
    variables = { filter: { ids: [encodeGlobalId('Backup', `${PROVIDER_KEY}:${uuid}`)] } };
  });
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await stack.close();
  });

  async function firstResult(live: Live<Event>) {
    await live.count(1);
    return live.results[0]!;
  }

  it.each([
    ['WebSocket', () => wsClient(wsUrl(stack), stack.apiKey)],
    ['SSE', () => sseClient(stack.gateway.graphqlUrl, stack.apiKey)],
  ])('over %s: "Unexpected error." with the request id, the original logged under it', async (_transport, client) => {
    const made = client();
    cleanups.push(() => made.dispose());
    const result = await firstResult(subscribe<Event>(made, WITH_VOLUME, variables));

    expect(result.data?.backupStatusChanged.backup.volume).toBeNull();
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors!;
    expect(error).toMatchObject({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) } });
    expect(JSON.stringify(result)).not.toContain('reading "uuid"');
    const logged = stack.logs.map((line) => JSON.parse(line) as { level: number; requestId?: string; err?: { message: string } });
    expect(logged).toContainEqual(
      expect.objectContaining({ level: 50, requestId: error!.extensions!.requestId, err: expect.objectContaining({ message: expect.stringContaining('reading "uuid"') }) }),
    );
  });
});
