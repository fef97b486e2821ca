import { createHash } from 'node:crypto';
import { startZStackSimulator, type ZStackSimulator, type ZStackSimulatorOptions } from '../../src/simulators/zstack/index.js';

/** Shared plumbing for the ZStack simulator tests: a started simulator, a session, and raw HTTP calls. */

export const sha512 = (text: string) => createHash('sha512').update(text).digest('hex');

export interface Reply {
  status: number;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: any;
  headers: Headers;
}

export interface Harness {
  sim: ZStackSimulator;
  sessionUuid: string;
  /** `path` is relative to `<url>/v1`, e.g. `/volumes?q=type=Root`. */
  call(method: string, path: string, init?: { body?: unknown; headers?: Record<string, string>; auth?: boolean }): Promise<Reply>;
  /** GETs an absolute path on the simulator, e.g. a rewritten job location. */
  get(path: string, headers?: Record<string, string>): Promise<Reply>;
  login(accountName?: string, password?: string): Promise<Reply>;
  /** Waits for the job named by a 202's location and answers its poll. */
  finish(location: string): Promise<Reply>;
  close(): Promise<void>;
}

async function reply(response: Response): Promise<Reply> {
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json, headers: response.headers };
}

/** The job path as a client rewrites the `.invalid` location onto its own endpoint. */
export function jobPath(location: string): string {
  return new URL(location).pathname;
}

export function jobUuidOf(location: string): string {
  return jobPath(location).split('/').pop()!;
}

export async function startHarness(options: ZStackSimulatorOptions = {}): Promise<Harness> {
  const sim = await startZStackSimulator({ jobDurationMs: 10, ...options });
  const origin = new URL(sim.url).origin;
  const harness: Harness = {
    sim,
    sessionUuid: '',
    async call(method, path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.auth !== false && harness.sessionUuid) headers.Authorization ??= `OAuth ${harness.sessionUuid}`;
      const response = await fetch(`${sim.url}/v1${path}`, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      return reply(response);
    },
    async get(path, headers = {}) {
      return reply(await fetch(`${origin}${path}`, { headers }));
    },
    async login(accountName = 'admin', password = sha512('password')) {
      return harness.call('PUT', '/accounts/login', { body: { logInByAccount: { accountName, password } }, auth: false });
    },
    async finish(location) {
      const job = sim.state.jobs.get(jobUuidOf(location));
      if (!job) throw new Error(`no job for ${location}`);
      await job.done;
      return harness.get(jobPath(location));
    },
    close: () => sim.close(),
  };
  const login = await harness.login();
  harness.sessionUuid = login.json.inventory.uuid;
  return harness;
}
