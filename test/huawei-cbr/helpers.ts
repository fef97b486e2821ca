import { CbrProvider } from '../../src/providers/huawei/cbr/adapter.js';
import { startCbrSimulator, type CbrSimulator, type CbrSimulatorOptions } from '../../src/simulators/huawei/cbr/index.js';

export const PROJECT_ID = '7d6c5b4a39281706f5e4d3c2b1a09f8e';
export const KEY = { accessKey: 'HPUACBRPROVIDERTEST1', secretKey: 'cbr-provider-test-secret-0000000001' };
export const PROVIDER_KEY = 'acme/hw-cbr';

export async function startCbr(options: Partial<CbrSimulatorOptions> = {}): Promise<{ sim: CbrSimulator; provider: CbrProvider; close(): Promise<void> }> {
  const sim = await startCbrSimulator({ projectId: PROJECT_ID, credentials: [KEY], jobDurationMs: 60, seed: 'demo', ...options });
  const provider = new CbrProvider({ key: PROVIDER_KEY, name: 'hw-cbr', endpoint: sim.url, projectId: PROJECT_ID, auth: KEY, timeoutMs: 2_000 });
  return {
    sim,
    provider,
    close: async () => {
      await provider.close();
      await sim.close();
    },
  };
}

export function named<T extends { name: string }>(items: Iterable<T>, name: string): T {
  const found = [...items].find((item) => item.name === name);
  if (!found) throw new Error(`no ${name}`);
  return found;
}
