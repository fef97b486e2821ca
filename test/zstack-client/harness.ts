import { startZStackSimulator, type ZStackSimulator } from '../../src/simulators/zstack/index.js';
import { ZStackClient } from '../../src/providers/zstack/client.js';
import { ZStackProvider } from '../../src/providers/zstack/adapter.js';

export const PROVIDER_KEY = 'acme/zs-test';
export const PASSWORD = 'zstack-secret-password';

export async function startSimulator(options: Parameters<typeof startZStackSimulator>[0] = {}): Promise<ZStackSimulator> {
  return startZStackSimulator({ password: PASSWORD, jobDurationMs: 30, ...options });
}

export function clientFor(simulator: ZStackSimulator, overrides: Partial<ConstructorParameters<typeof ZStackClient>[0]> = {}): ZStackClient {
  return new ZStackClient({
    endpoint: simulator.url,
    accountName: 'admin',
    password: PASSWORD,
    timeZone: simulator.state.timeZone,
    timeoutMs: 5_000,
    pollIntervalMs: 10,
    providerKey: PROVIDER_KEY,
    ...overrides,
  });
}

export function providerFor(simulator: ZStackSimulator): ZStackProvider {
  return new ZStackProvider({ key: PROVIDER_KEY, name: 'zs-test', client: clientFor(simulator) });
}

/** Resolves when the simulator's job ends (an event, not a sleep). */
export async function jobEnded(simulator: ZStackSimulator, jobUuid: string): Promise<void> {
  const job = simulator.state.jobs.get(jobUuid);
  if (!job) throw new Error(`the simulator has no job ${jobUuid}`);
  await job.done;
}

export function logins(simulator: ZStackSimulator): number {
  return simulator.server.requests({ method: 'PUT', pathIncludes: '/v1/accounts/login' }).length;
}

export function sessionUuidsSeen(simulator: ZStackSimulator): string[] {
  return [...new Set(simulator.server.requests().map((entry) => String(entry.headers.authorization ?? '').replace('OAuth ', '')))].filter(
    (uuid) => uuid !== '',
  );
}
