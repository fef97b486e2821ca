import type { GatewayContext } from '../context.js';
import { toUpstreamError } from '../core/errors.js';
import { splitLocalId } from '../core/ids.js';
import type { BackupProvider, ResourceType, VendorRecord } from '../providers/provider.js';

/**
 * The DataLoader batch function behind every loadable node: keys are local ids
 * (`tenant/provider:vendorId`), grouped by provider so each provider gets one batch call for the
 * whole request tick. Keys this tenant cannot reach, and vendor ids of the wrong format, resolve to
 * null without any upstream call; a provider that fails turns only its own keys into errors.
 */
export async function loadByLocalIds<T extends VendorRecord>(
  ctx: GatewayContext,
  localIds: readonly string[],
  type: ResourceType,
  fetch: (provider: BackupProvider) => ((ids: readonly string[]) => Promise<(T | null)[]>) | undefined,
): Promise<(T | Error | null)[]> {
  const results: (T | Error | null)[] = localIds.map(() => null);
  const batches = new Map<BackupProvider, { vendorIds: string[]; positions: number[] }>();

  localIds.forEach((localId, position) => {
    const parsed = splitLocalId(localId);
    const provider = parsed && ctx.tenant.provider(parsed.providerKey);
    if (!parsed || !provider || !provider.isValidId(type, parsed.vendorId)) return;
    let batch = batches.get(provider);
    if (!batch) batches.set(provider, (batch = { vendorIds: [], positions: [] }));
    batch.vendorIds.push(parsed.vendorId);
    batch.positions.push(position);
  });

  await Promise.all(
    [...batches].map(async ([provider, batch]) => {
      const get = fetch(provider)?.bind(provider);
      if (!get) return;
      try {
        const records = await get(batch.vendorIds);
        batch.positions.forEach((position, index) => (results[position] = records[index] ?? null));
      } catch (error) {
        const failure = toUpstreamError(provider.name, error);
        for (const position of batch.positions) results[position] = failure;
      }
    }),
  );
  return results;
}
