import { TaurusDbProvider, type TaurusDbProviderOptions } from '../../src/providers/huawei/taurusdb/adapter.js';
import { startTaurusDbSimulator, type TaurusDbSimulator, type TaurusDbSimulatorOptions } from '../../src/simulators/huawei/taurusdb/index.js';

export const PROJECT_ID = '0123456789abcdef0123456789abcdef';
export const CREDENTIALS = { accessKey: 'TAURUSDBTESTAK0000001', secretKey: 'taurusdb-test-secret-key-0000000000000001' };
export const PROVIDER_KEY = 'acme/hw-db';

export interface Rig {
  sim: TaurusDbSimulator;
  provider: TaurusDbProvider;
  close(): Promise<void>;
}

/** A simulator on an ephemeral port and a provider pointed at it over HTTP. */
export async function startRig(
  simOptions: Partial<TaurusDbSimulatorOptions> = {},
  providerOptions: Partial<TaurusDbProviderOptions> = {},
): Promise<Rig> {
  const sim = await startTaurusDbSimulator({ projectId: PROJECT_ID, credentials: CREDENTIALS, jobDurationMs: 200, seed: 'demo', ...simOptions });
  const provider = new TaurusDbProvider({
    key: PROVIDER_KEY,
    name: 'hw-db',
    endpoint: sim.url,
    projectId: PROJECT_ID,
    auth: CREDENTIALS,
    timeoutMs: 5_000,
    ...providerOptions,
  });
  return {
    sim,
    provider,
    close: async () => {
      await provider.close();
      await sim.close();
    },
  };
}

/** 32 hex digits + suffix, for ids that have the right format but name nothing. */
export function unknownId(suffix: 'in07' | 'br07', digit = 'f'): string {
  return `${digit.repeat(32)}${suffix}`;
}
