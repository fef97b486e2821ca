import { createHash } from 'node:crypto';
import { serviceTime } from './rules.js';
import { uuidOf, type SimBackup, type SimInstance, type SimJob, type TaurusDbState } from './state.js';

/**
 * The JSON TaurusDB answers, from the simulator's records: field names as the GaussDB v3 models of
 * Huawei's Node SDK spell them (MysqlInstanceListInfo, MysqlInstanceInfoDetail, Backups, Backup,
 * GetJobInfoDetail) and huawei.md B.1–B.5 describe them. Network and flavour details the simulator
 * does not model are derived from the instance id, so they stay the same across restarts.
 */

const DATASTORE_TYPE = 'gaussdb-mysql';
const KERNEL_VERSION = '2.0.57.240900';
const REGION = 'cn-north-4';

export class TaurusDbShapes {
  constructor(
    private readonly state: TaurusDbState,
    private readonly projectId: string,
    /** Minutes east of UTC the service writes its times in. */
    private readonly utcOffsetMinutes: number,
  ) {}

  /** An item of GET /v3/{pid}/instances. */
  instanceSummary(instance: SimInstance): Record<string, unknown> {
    const derived = derive(instance.id);
    return {
      ...this.instanceCommon(instance),
      region: REGION,
      private_ips: [derived.ip(10)],
      readonly_private_ips: [derived.ip(11)],
      proxy_ips: [],
      flavor_ref: 'gaussdb.mysql.xlarge.x86.4',
      flavor_info: { vcpus: '4', ram: '16' },
      volume: { type: 'POOL', size: 100 },
    };
  }

  /** The `instance` of GET /v3/{pid}/instances/{id}. */
  instanceDetail(instance: SimInstance): Record<string, unknown> {
    const derived = derive(instance.id);
    const nodes = ['master', 'slave'].map((type, index) => ({
      id: `${derived.hex.slice(index * 8, index * 8 + 32)}no07`,
      name: `${instance.name}_node0${index + 1}`,
      type,
      status: instance.status,
      port: 3306,
      private_read_ips: [derived.ip(10 + index)],
      volume: { type: 'POOL', used: '1.2', size: 100 },
      az_code: `${REGION}a`,
      region_code: REGION,
      created: this.time(instance.createdAt),
      updated: this.time(instance.createdAt),
      flavor_ref: 'gaussdb.mysql.xlarge.x86.4',
      max_connections: '10000',
      vcpus: '4',
      ram: '16',
      need_restart: false,
      priority: index + 1,
    }));
    return {
      ...this.instanceCommon(instance),
      project_id: this.projectId,
      alias: '',
      node_count: nodes.length,
      backup_used_space: this.backupMegabytesOf(instance.id) / 1024,
      private_write_ips: [derived.ip(10)],
      private_dns_names: [],
      configuration_id: derived.uuid('configuration'),
      az_mode: 'single',
      master_az_code: `${REGION}a`,
      maintenance_window: '18:00-22:00',
      nodes,
      proxies: [],
    };
  }

  /** An item of GET /v3/{pid}/backups. */
  backup(backup: SimBackup): Record<string, unknown> {
    const instance = this.state.instances.get(backup.instanceId);
    return {
      id: backup.id,
      name: backup.name,
      description: backup.description,
      begin_time: this.time(backup.beginAt),
      end_time: backup.endAt === null ? '' : this.time(backup.endAt),
      status: backup.status,
      take_up_time: backup.endAt === null ? 0 : Math.round((backup.endAt - backup.beginAt) / 60_000),
      type: backup.type,
      size: backup.sizeMb ?? 0,
      datastore: { type: DATASTORE_TYPE, version: instance?.datastoreVersion ?? '8.0' },
      instance_id: backup.instanceId,
      instance_name: instance?.name ?? '',
    };
  }

  /** The answer to POST /v3/{pid}/backups/create: the backup in the SDK's smaller Backup model. */
  createdBackup(backup: SimBackup, job: SimJob): Record<string, unknown> {
    const { id, name, description, begin_time, status, type, instance_id } = this.backup(backup);
    return { backup: { id, name, description, begin_time, status, type, instance_id }, job_id: job.id };
  }

  /** The `job` of GET /v3/{pid}/jobs?id=. The SDK's entities model has no fields: nothing is invented there. */
  job(job: SimJob): Record<string, unknown> {
    const instance = this.state.instances.get(job.instanceId);
    return {
      id: job.id,
      name: job.name,
      status: job.status,
      created: this.time(job.createdAt),
      ended: job.endedAt === null ? '' : this.time(job.endedAt),
      process: this.state.progressOf(job),
      instance: { id: job.instanceId, name: instance?.name ?? '' },
      entities: {},
      ...(job.failReason ? { fail_reason: job.failReason } : {}),
    };
  }

  private instanceCommon(instance: SimInstance): Record<string, unknown> {
    const derived = derive(instance.id);
    return {
      id: instance.id,
      name: instance.name,
      status: instance.status,
      type: 'Cluster',
      port: '3306',
      datastore: { type: DATASTORE_TYPE, version: instance.datastoreVersion, kernel_version: KERNEL_VERSION },
      created: this.time(instance.createdAt),
      updated: this.time(instance.createdAt),
      public_ips: [],
      db_user_name: 'root',
      vpc_id: derived.uuid('vpc'),
      subnet_id: derived.uuid('subnet'),
      security_group_id: derived.uuid('security-group'),
      backup_strategy: { start_time: '19:00-20:00', keep_days: 7 },
      enterprise_project_id: '0',
      time_zone: 'UTC+08:00',
      charge_info: { charge_mode: 'postPaid' },
      tags: [],
    };
  }

  private backupMegabytesOf(instanceId: string): number {
    return [...this.state.backups.values()].filter((b) => b.instanceId === instanceId).reduce((sum, b) => sum + (b.sizeMb ?? 0), 0);
  }

  private time(epochMs: number): string {
    return serviceTime(epochMs, this.utcOffsetMinutes);
  }
}

/** Stable values from an instance id: private addresses and UUIDs of the things around it. */
function derive(instanceId: string) {
  const hex = createHash('sha256').update(`taurusdb-instance:${instanceId}`).digest('hex');
  return {
    hex,
    ip: (host: number) => `192.168.${parseInt(hex.slice(0, 2), 16)}.${host}`,
    uuid: (what: string) => uuidOf(createHash('sha256').update(`${what}:${instanceId}`).digest('hex')),
  };
}
