import { useQuery } from 'urql';
import { PolicyTargetChoicesDocument, type ProviderKind } from '../../schema/client/graphql.js';

export interface Choice {
  id: string;
  label: string;
}

/** TaurusDB policies belong to database instances; every other vendor's back up volumes. */
export function takesInstances(kind: ProviderKind | undefined): boolean {
  return kind === 'HUAWEI_TAURUSDB';
}

/** What a policy of this provider may back up, and (ZStack) the image stores its backups may go to. */
export function useTargetChoices(providerId: string, kind: ProviderKind | undefined): { targets: Choice[]; storages: Choice[]; fetching: boolean } {
  const instances = takesInstances(kind);
  const [{ data, fetching }] = useQuery({
    query: PolicyTargetChoicesDocument,
    variables: { provider: providerId, volumes: !instances, instances },
    pause: !providerId || !kind,
  });
  const volumes = (data?.volumes?.edges ?? []).flatMap((e) => (e.node ? [{ id: e.node.id, label: `${e.node.name ?? e.node.id}${e.node.type ? ` (${e.node.type.toLowerCase()})` : ''}` }] : []));
  const databases = (data?.databaseInstances?.edges ?? []).flatMap((e) => (e.node ? [{ id: e.node.id, label: e.node.name ?? e.node.id }] : []));
  const storages = (data?.backupStorages ?? []).map((s) => ({ id: s.id, label: s.name }));
  return { targets: instances ? databases : volumes, storages, fetching };
}
