import { VbsProvider } from '../../src/providers/huawei/vbs/adapter.js';
import { startVbsSimulator, type VbsSimulator, type VbsSimulatorOptions } from '../../src/simulators/huawei/vbs/index.js';

export const PROJECT_ID = '9c8b7a6f5e4d3c2b1a09f8e7d6c5b4a3';
export const KEY = { accessKey: 'HPUAVBSPROVIDERTEST1', secretKey: 'vbs-provider-test-secret-0000000001' };
export const PROVIDER_KEY = 'acme/hw-vbs';

export async function startVbs(options: Partial<VbsSimulatorOptions> = {}): Promise<{ sim: VbsSimulator; provider: VbsProvider; close(): Promise<void> }> {
  const sim = await startVbsSimulator({ projectId: PROJECT_ID, credentials: [KEY], jobDurationMs: 60, seed: 'demo', ...options });
  const provider = new VbsProvider({ key: PROVIDER_KEY, name: 'hw-vbs', endpoint: sim.url, projectId: PROJECT_ID, auth: KEY, timeoutMs: 2_000 });
  return {
    sim,
    provider,
    close: async () => {
      await provider.close();
      await sim.close();
    },
  };
}

export function uuid(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}
