import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client, type ClientOptions } from 'graphql-ws';
import WebSocket from 'ws';
import { DEMO } from '../../src/simulators/zstack/index.js';
import { decodeGlobalId, encodeGlobalId, splitJobLocalId } from '../../src/domain/ids.js';
import type { Stack } from '../support/stack.js';

/** Live clients for tests: graphql-ws over `ws` and graphql-sse, with results collected as they come. */

export interface LiveResult<T> {
  data?: T | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

/** A running subscription: every result in order, and promises to await instead of sleeping. */
export class Live<T> {
  readonly results: LiveResult<T>[] = [];
  /** Resolves when the server completes the operation; rejects with a close event or protocol error. */
  readonly ended: Promise<void>;
  private endWith!: { resolve: () => void; reject: (reason: unknown) => void };
  private readonly waiters: { test: () => boolean; resolve: () => void }[] = [];
  dispose: () => void = () => undefined;

  constructor() {
    this.ended = new Promise<void>((resolve, reject) => (this.endWith = { resolve, reject }));
    this.ended.catch(() => undefined);
  }

  get data(): T[] {
    return this.results.flatMap((result) => (result.data ? [result.data] : []));
  }

  /** Resolves once `test` holds for the results so far (checked on each new result). */
  until(test: (results: LiveResult<T>[]) => boolean): Promise<void> {
    if (test(this.results)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ test: () => test(this.results), resolve }));
  }

  count(n: number): Promise<void> {
    return this.until((results) => results.length >= n);
  }

  push(result: LiveResult<T>): void {
    this.results.push(result);
    for (const waiter of [...this.waiters]) {
      if (waiter.test()) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  end(error?: unknown): void {
    if (error === undefined) this.endWith.resolve();
    else this.endWith.reject(error);
  }
}

export function wsUrl(stack: Stack): string {
  return stack.gateway.graphqlUrl.replace(/^http/, 'ws');
}

export function wsClient(url: string, apiKey: string | null, options: Partial<ClientOptions> = {}): Client {
  return createWsClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    // Each subscription hears the close itself; the default would print it.
    onNonLazyError: () => undefined,
    connectionParams: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
    ...options,
  });
}

export function sseClient(url: string, apiKey: string | null) {
  return createSseClient({ url, headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {}, retryAttempts: 0 });
}

type Subscribable = { subscribe: Client['subscribe'] } | ReturnType<typeof sseClient>;

export function subscribe<T>(client: Subscribable, query: string, variables: Record<string, unknown> = {}): Live<T> {
  const live = new Live<T>();
  live.dispose = (client.subscribe as Client['subscribe'])(
    { query, variables },
    {
      next: (result) => live.push(result as LiveResult<T>),
      error: (error) => live.end(error),
      complete: () => live.end(),
    },
  );
  return live;
}

export const BACKUP_EVENTS = /* GraphQL */ `
  subscription Backups($filter: BackupStatusFilter) {
    backupStatusChanged(filter: $filter) {
      backup { id vendorId name status }
      previousStatus
      status
      occurredAt
    }
  }
`;

export const JOB_EVENTS = /* GraphQL */ `
  subscription Job($id: ID!) {
    jobUpdated(id: $id) { id status error { code message vendorCode } resource { id } finishedAt }
  }
`;

export const CREATE_BACKUP = /* GraphQL */ `
  mutation Create($input: CreateVolumeBackupInput!) {
    createVolumeBackup(input: $input) {
      __typename
      ... on CreateVolumeBackupSuccess { job { id status } backup { id } }
      ... on Error { message }
    }
  }
`;

export interface BackupEvent {
  backupStatusChanged: { backup: { id: string; vendorId: string; name: string; status: string }; previousStatus: string | null; status: string; occurredAt: string };
}

export interface JobEvent {
  jobUpdated: { id: string; status: string; error: { code: string; message: string; vendorCode: string | null } | null; resource: { id: string } | null; finishedAt: string | null };
}

export const PROVIDER_KEY = 'acme/zs';

export function volumeId(vendorId: string = DEMO.spareData, providerKey = PROVIDER_KEY): string {
  return encodeGlobalId('Volume', `${providerKey}:${vendorId}`);
}

export function providerId(providerKey = PROVIDER_KEY): string {
  return encodeGlobalId('Provider', providerKey);
}

/** Starts a volume backup through the gateway and returns the job's and the backup's global ids. */
export async function createBackup(stack: Pick<Stack, 'graphql'>, name: string, volume = DEMO.spareData): Promise<{ jobId: string; backupId: string }> {
  const response = await stack.graphql<{ createVolumeBackup: { __typename: string; job?: { id: string }; backup?: { id: string }; message?: string } }>(
    CREATE_BACKUP,
    { input: { volumeId: volumeId(volume), name, backupStorageId: encodeGlobalId('BackupStorage', `${PROVIDER_KEY}:${DEMO.imageStoreMain}`) } },
  );
  const result = response.body.data?.createVolumeBackup;
  if (result?.__typename !== 'CreateVolumeBackupSuccess') throw new Error(`createVolumeBackup failed: ${JSON.stringify(response.body)}`);
  return { jobId: result.job!.id, backupId: result.backup!.id };
}

/** Resolves at the next upstream request `matches` accepts (an event to await instead of a sleep). */
export function nextUpstreamRequest(stack: Stack, matches: (entry: { method: string; path: string; query: URLSearchParams }) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const stop = stack.zstack!.server.onRequest((entry) => {
      if (!matches(entry)) return;
      stop();
      resolve();
    });
  });
}

/** The listing the watcher makes for a subscription to one source's backups. */
export function isScopeListing(entry: { path: string; query: URLSearchParams }): boolean {
  return entry.path.endsWith('/volume-backups') && entry.query.toString().includes('volumeUuid');
}

/** The vendor id inside a global id (a job's X-Job-UUID, a backup's uuid). */
export function vendorIdOf(globalId: string): string {
  return splitJobLocalId(decodeGlobalId(globalId).id)!.vendorId;
}
