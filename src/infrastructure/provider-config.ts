import { z } from 'zod';
import { isValidName } from '../domain/ids.js';
import { upstreamOverride } from './upstream-settings.js';

/**
 * What one provider's entry in the config file may say, per vendor kind (the `kind` picks the
 * schema), and the value types every part of the config shares: secret references, names, URLs.
 */

export const secretRef = z.union([z.object({ env: z.string().min(1) }).strict(), z.object({ file: z.string().min(1) }).strict()]);

export const name = z.string().refine(isValidName, 'must be 1-63 letters, digits, - or _, starting with a letter or digit');
export const url = z.url({ protocol: /^https?$/ });
const timeoutMs = z.number().int().min(100).max(600_000).default(10_000);

const huaweiAuth = z.union([
  z.object({ accessKey: secretRef, secretKey: secretRef }).strict(),
  z
    .object({
      iam: z
        .object({
          endpoint: url,
          user: z.string().min(1),
          password: secretRef,
          domain: z.string().min(1),
          project: z.string().min(1).optional(),
        })
        .strict(),
    })
    .strict(),
]);

const zstackProvider = z
  .object({
    kind: z.literal('zstack'),
    name,
    endpoint: url,
    accountName: z.string().min(1),
    password: secretRef,
    /** ZStack prints dates in the management node's local time, with no zone. */
    timeZone: z.string().default('Asia/Shanghai'),
    timeoutMs,
    upstream: upstreamOverride.optional(),
    /**
     * X-Web-Hook target for job ends, to which the gateway appends `/<token>` (see `watcher.callbackSecret`);
     * derived from `watcher.callbackUrl` when absent.
     */
    webhookUrl: url.optional(),
  })
  .strict();

/** What every Huawei service's entry says: one endpoint per service, the project, and how to sign in. */
const huaweiService = {
  name,
  endpoint: url,
  projectId: z.string().min(1),
  auth: huaweiAuth,
  timeoutMs,
  upstream: upstreamOverride.optional(),
};

const vbsProvider = z
  .object({
    kind: z.literal('huawei-vbs'),
    ...huaweiService,
    evsEndpoint: url.optional(),
  })
  .strict();

const taurusDbProvider = z.object({ kind: z.literal('huawei-taurusdb'), ...huaweiService }).strict();

/** Huawei CBR (huawei-cbr.md F): vaults, checkpoints and backups at https://cbr.{region}.myhuaweicloud.com. */
const cbrProvider = z.object({ kind: z.literal('huawei-cbr'), ...huaweiService }).strict();

export const provider = z.discriminatedUnion('kind', [zstackProvider, vbsProvider, taurusDbProvider, cbrProvider]);
