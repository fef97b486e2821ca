import { chainedConnection, type ConnectionArgs, type ProviderFailureHandler } from '../domain/paging.js';
import type { BackupProvider } from '../domain/provider.js';
import type { GatewayContext } from './context.js';

/** Snapshots of the providers that list them, page after page; what it reads is reported to live status. */
export function snapshotConnection(ctx: GatewayContext, providers: BackupProvider[], filter: { volumeId?: string }, args: ConnectionArgs, onFailure: ProviderFailureHandler) {
  const listing = providers.filter((p) => p.listSnapshots);
  return chainedConnection(
    listing,
    args,
    async (p, page) => {
      const result = await p.listSnapshots!(filter, page);
      ctx.live.saw('snapshot', result.items);
      return result;
    },
    onFailure,
  );
}
