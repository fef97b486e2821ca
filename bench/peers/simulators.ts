import { startTaurusDbSimulator } from '../../src/simulators/huawei/taurusdb/index.js';
import { startVbsSimulator } from '../../src/simulators/huawei/vbs/index.js';
import { DEMO, startZStackSimulator } from '../../src/simulators/zstack/index.js';
import type { SimulatorServer } from '../../src/simulators/kit/index.js';

/**
 * The vendor simulators of a benchmark, in a process of their own so that serving them does not
 * share an event loop with the load generator. Answers `{ count: true }` with the number of
 * requests logged since the last count (and forgets them).
 */

export interface SimulatorUrls {
  zstack: string;
  vbs?: string;
  taurusDb?: string;
}

const options = JSON.parse(process.env.BENCH_SIMULATORS!) as {
  zstackPassword: string;
  huawei?: { projectId: string; accessKey: string; secretKey: string };
  extraZStackBackups: number;
};

const zstack = await startZStackSimulator({ password: options.zstackPassword });
zstack.state.addVolumeBackups(options.extraZStackBackups, {
  volumeUuid: DEMO.vmDbData,
  backupStorageUuids: [DEMO.imageStoreMain, DEMO.imageStoreDr],
  groupUuid: DEMO.vmDbBackupGroup,
});
const servers: SimulatorServer[] = [zstack.server];
const urls: SimulatorUrls = { zstack: zstack.url };
if (options.huawei) {
  const { projectId, accessKey, secretKey } = options.huawei;
  const vbs = await startVbsSimulator({ projectId, credentials: [{ accessKey, secretKey }], seed: 'demo' });
  const taurusDb = await startTaurusDbSimulator({ projectId, credentials: { accessKey, secretKey }, seed: 'demo' });
  servers.push(vbs.server, taurusDb.server);
  urls.vbs = vbs.url;
  urls.taurusDb = taurusDb.url;
}

process.on('message', () => {
  const count = servers.reduce((sum, server) => sum + server.requests().length, 0);
  for (const server of servers) server.clearRequests();
  process.send!({ count });
});
process.send!({ urls });
