import type { Live } from '../live-status/live-clients.js';
import type { Stack } from '../support/stack.js';

/** What the security tests share: a ZStack volume and image store to act on, and the audit lines. */

export async function zstackTargets(stack: Stack): Promise<{ volumeId: string; storageId: string; backupId: string }> {
  const response = await stack.graphql<{
    volumes: { edges: { node: { id: string } }[] };
    backupStorages: { id: string }[];
    backups: { edges: { node: { id: string } }[] };
  }>('{ volumes(first: 1) { edges { node { id } } } backupStorages { id } backups(first: 1) { edges { node { id } } } }');
  const data = response.body.data!;
  return { volumeId: data.volumes.edges[0]!.node.id, storageId: data.backupStorages[0]!.id, backupId: data.backups.edges[0]!.node.id };
}

export const CREATE_VOLUME_BACKUP = /* GraphQL */ `
  mutation Create($input: CreateVolumeBackupInput!) {
    createVolumeBackup(input: $input) {
      __typename
      ... on CreateVolumeBackupSuccess { job { id vendorId } }
      ... on ValidationError { field rule message }
      ... on Error { message }
    }
  }
`;

export const DELETE_BACKUP = /* GraphQL */ `
  mutation Delete($id: ID!) {
    deleteBackup(input: { id: $id }) { __typename ... on Error { message } }
  }
`;

export interface AuditLine {
  channel: string;
  tenant: string;
  key: string;
  operation: string;
  targets: string[];
  outcome: string;
  reason?: string;
  vendorJobId?: string;
  vendorCode?: string | null;
  requestId?: string;
  time: number;
}

export function auditLines(stack: Stack): AuditLine[] {
  return stack.logs.map((line) => JSON.parse(line) as AuditLine & { channel?: string }).filter((line) => line.channel === 'audit');
}

/** All a live operation said before it ended: its results and the error it ended with (graphql-ws and graphql-sse differ there). */
export async function everythingSaid(live: Live<unknown>): Promise<string> {
  const error = await live.ended.then(
    () => null,
    (reason: unknown) => reason,
  );
  return JSON.stringify({ results: live.results, error });
}
