import { performance } from 'node:perf_hooks';
import { DashboardDocument } from '../schema/client/graphql.js';
import { DEMO } from '../src/providers/zstack/simulator/index.js';
import { startStack } from '../test/support/stack.js';

/**
 * What a dashboard page costs: the typed Dashboard query (backups with their volume, source,
 * storages and group) over all three vendor simulators, at several page sizes. Prints latency
 * percentiles and upstream requests per query; the point of the DataLoaders is that the request
 * count stays flat while the page grows.
 */

const ROUNDS = 40;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function benchDashboard(): Promise<void> {
  const stack = await startStack({ vbs: { seed: 'demo' }, taurusDb: { seed: 'demo' } });
  try {
    stack.zstack!.state.addVolumeBackups(150, { volumeUuid: DEMO.vmDbData, backupStorageUuids: [DEMO.imageStoreMain, DEMO.imageStoreDr] });
    await stack.graphql(DashboardDocument, { first: 5 });

    console.log('\nDashboard query (3 vendors, backups with volume, source, storages, group)');
    console.log('page size | p50 ms | p99 ms | upstream requests/query | backups/request');
    for (const first of [10, 50, 100]) {
      const timings: number[] = [];
      stack.clearUpstreamRequests();
      for (let round = 0; round < ROUNDS; round += 1) {
        const start = performance.now();
        const response = await stack.graphql(DashboardDocument, { first });
        timings.push(performance.now() - start);
        if (response.body.errors) throw new Error(JSON.stringify(response.body.errors));
      }
      timings.sort((a, b) => a - b);
      const perQuery = stack.upstreamRequests().length / ROUNDS;
      console.log(
        `${String(first).padStart(9)} | ${percentile(timings, 50).toFixed(1).padStart(6)} | ${percentile(timings, 99).toFixed(1).padStart(6)} | ${perQuery.toFixed(1).padStart(23)} | ${(first / perQuery).toFixed(1).padStart(15)}`,
      );
    }
  } finally {
    await stack.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchDashboard();
