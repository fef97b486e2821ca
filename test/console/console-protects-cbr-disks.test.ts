import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskBackupsDocument, ProtectVolumeDocument } from '../../schema/client/graphql.js';
import { idOf, TENANT } from '../cross-vendor/three-vendors.js';
import { ARTIFACTS, launchChromium, openConsoleAs } from '../support/chromium.js';
import { startStack, type Stack } from '../support/stack.js';

/**
 * Protect and unprotect a Huawei CBR disk from the console's disks panel, against the CBR
 * simulator: what reaches CBR is read from its request log, what the person sees from the page.
 */
describe('the console protects and unprotects CBR disks', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];

  const disk = (name: string) => [...stack.cbr!.state.disks.values()].find((d) => d.name === name)!;
  const vault = (name: string) => [...stack.cbr!.state.vaults.values()].find((v) => v.name === name)!;
  const volumeId = (name: string) => idOf('Volume', 'cbr', disk(name).id);
  const storageId = (name: string) => idOf('BackupStorage', 'cbr', vault(name).id);
  const cbrPosts = () => stack.cbr!.server.requests({ method: 'POST' }).map((r) => ({ path: r.path.split('/').slice(3).join('/'), body: JSON.parse(r.body) as unknown }));
  const diskItem = (name: string) => page.locator(`.disk[data-disk="${name}"]`);

  /** Protect… on the disk, the vault chosen by name, then Protect. */
  async function protect(diskName: string, vaultName: string) {
    await diskItem(diskName).getByRole('button', { name: `Protect ${diskName}` }).click();
    await diskItem(diskName).getByLabel(`Vault for ${diskName}`).selectOption({ label: vaultName });
    await diskItem(diskName).getByRole('button', { name: 'Protect', exact: true }).click();
  }

  /** The console as `apiKey` opens it, once its disks panel knows the vaults. */
  async function openAs(apiKey: string, label: string) {
    const opened = await openConsoleAs(browser, stack.gateway.url, apiKey, label);
    await opened.page.locator('.disk[data-vault="vault-disks"]').first().waitFor({ timeout: 30_000 });
    return opened;
  }

  beforeAll(async () => {
    stack = await startStack({
      tenant: TENANT,
      cbr: { jobDurationMs: 1_000 },
      keys: [
        { key: 'key-no-delete', label: 'scheduler', scopes: ['read', 'backup'] },
        { key: 'key-read', label: 'wallboard', scopes: ['read'] },
      ],
      extra: { server: { port: 0, host: '127.0.0.1', console: true } },
    });
    // A second disk vault, for a disk that another vault already holds (.6103).
    const disks = vault('vault-disks');
    const second = { ...disks, id: crypto.randomUUID(), name: 'vault-disks-2', resources: [] };
    stack.cbr!.state.vaults.set(second.id, second);
    browser = await launchChromium();
    ({ page, pageErrors } = await openAs(stack.apiKey, 'acme#0'));
  }, 60_000);
  afterAll(async () => {
    expect(pageErrors).toEqual([]);
    await browser?.close();
    await stack?.close();
  });

  it('lists CBR backups with their vault (name and type CBR_VAULT) and each disk with the vault holding it', async () => {
    const row = page.locator('tbody tr[data-provider-kind="HUAWEI_CBR"]').filter({ hasText: 'reports-data' }).first();
    await row.waitFor({ timeout: 20_000 });
    const storage = row.locator('.storage');
    await expect.poll(() => storage.getAttribute('data-storage-type'), { timeout: 20_000 }).toBe('CBR_VAULT');
    expect(await storage.getAttribute('data-storage')).toBe('vault-disks');
    expect(await storage.innerText()).toContain('CBR vault');
    expect(await diskItem('orders-data').getAttribute('data-vault')).toBe('vault-disks');
    expect(await diskItem('cache-data').getAttribute('data-vault')).toBe('');
  }, 60_000);

  it('a refused protect (a server vault, BackupService.6102) shows the error beside the vault field, and nothing reaches CBR', async () => {
    stack.cbr!.server.clearRequests();
    await protect('logs-data', 'vault-servers');
    const error = diskItem('logs-data').locator('[id$="-backupStorageId-error"]');
    await error.waitFor({ timeout: 20_000 });
    expect(await error.innerText()).toContain('BackupService.6102');
    expect(await diskItem('logs-data').getByLabel('Vault for logs-data').getAttribute('aria-invalid')).toBe('true');
    expect(cbrPosts()).toEqual([]);
    await diskItem('logs-data').getByRole('button', { name: 'Cancel' }).click();
  }, 60_000);

  it('a disk another vault took meanwhile (BackupService.6103) shows the error beside the disk, and nothing reaches CBR', async () => {
    // Behind the console's back: logs-data goes into vault-disks-2.
    const elsewhere = (await stack.graphql(ProtectVolumeDocument, { input: { volumeId: volumeId('logs-data'), backupStorageId: storageId('vault-disks-2') } })).body.data!.protectVolume;
    if (elsewhere.__typename !== 'ProtectVolumeSuccess') throw new Error(JSON.stringify(elsewhere));
    stack.cbr!.server.clearRequests();
    await protect('logs-data', 'vault-disks');
    const error = diskItem('logs-data').locator('[id$="-volumeId-error"]');
    await error.waitFor({ timeout: 20_000 });
    expect(await error.innerText()).toContain('BackupService.6103');
    expect(cbrPosts()).toEqual([]);
    await diskItem('logs-data').getByRole('button', { name: 'Cancel' }).click();
  }, 60_000);

  it('Protect on an unprotected disk sends one addresources, and the disk shows its vault without a reload', async () => {
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    stack.cbr!.server.clearRequests();
    await protect('cache-data', 'vault-disks');
    await expect.poll(() => diskItem('cache-data').getAttribute('data-vault'), { timeout: 20_000 }).toBe('vault-disks');
    expect(cbrPosts()).toEqual([{ path: `vaults/${vault('vault-disks').id}/addresources`, body: { resources: [{ id: disk('cache-data').id, type: 'OS::Cinder::Volume' }] } }]);
    await expect.poll(() => page.locator('.job').first().getAttribute('data-status'), { timeout: 20_000 }).toBe('SUCCEEDED');
    expect(await diskItem('cache-data').getByRole('button', { name: 'Unprotect cache-data' }).count()).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  }, 60_000);

  it('Unprotect names the backups CBR will delete; Cancel sends nothing; confirming sends one removeresources and the backups go', async () => {
    const response = await stack.graphql(DiskBackupsDocument, { volumeId: volumeId('reports-data'), after: null });
    const inVault = response.body.data!.backups.edges
      .flatMap((edge) => (edge.node && edge.node.storageRefs.some((ref) => ref.backupStorage.id === storageId('vault-disks')) ? [edge.node.name] : []))
      .sort();
    expect(response.body.data!.backups.pageInfo.hasNextPage).toBe(false);
    expect(inVault.length).toBeGreaterThan(1);
    await page.locator('#filter-name').fill('reports-data');
    await expect.poll(() => page.locator('tbody tr').count(), { timeout: 20_000 }).toBe(inVault.length);
    stack.cbr!.server.clearRequests();

    const openDialog = async () => {
      await diskItem('reports-data').getByRole('button', { name: 'Unprotect reports-data' }).click();
      const dialog = page.getByRole('dialog', { name: 'Unprotect reports-data?' });
      await dialog.waitFor({ timeout: 20_000 });
      return dialog;
    };
    const dialog = await openDialog();
    expect((await dialog.locator('.doomed li').allInnerTexts()).sort()).toEqual(inVault);
    await page.screenshot({ path: `${ARTIFACTS}/console-unprotect-confirm.png` });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(cbrPosts()).toEqual([]);

    await (await openDialog()).getByRole('button', { name: `Unprotect and delete ${inVault.length} backups` }).click();
    await expect.poll(() => diskItem('reports-data').getAttribute('data-vault'), { timeout: 20_000 }).toBe('');
    expect(cbrPosts()).toEqual([{ path: `vaults/${vault('vault-disks').id}/removeresources`, body: { resource_ids: [disk('reports-data').id] } }]);
    // Gone: each row turns DELETED as live status reports it (as after a row's Delete), with no reload.
    await expect
      .poll(() => page.locator('tbody tr .badge').evaluateAll((badges) => badges.map((badge) => badge.getAttribute('data-status'))), { timeout: 30_000 })
      .toEqual(inVault.map(() => 'DELETED'));
    await page.screenshot({ path: `${ARTIFACTS}/console-unprotected.png` });
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    const after = await stack.graphql(DiskBackupsDocument, { volumeId: volumeId('reports-data'), after: null });
    expect(after.body.data!.backups.edges).toEqual([]);
  }, 90_000);

  it('a key without scope delete is offered Protect but never Unprotect', async () => {
    const opened = await openAs('key-no-delete', 'scheduler');
    await opened.page.getByRole('button', { name: /^Protect / }).first().waitFor({ timeout: 20_000 });
    expect(await opened.page.locator('.disk[data-vault="vault-disks"]').count()).toBeGreaterThan(0);
    expect(await opened.page.getByRole('button', { name: /^Unprotect / }).count()).toBe(0);
    expect(opened.pageErrors).toEqual([]);
    await opened.page.close();
  }, 60_000);

  it('a read-only key sees which vault holds each disk, and neither Protect nor Unprotect', async () => {
    const opened = await openAs('key-read', 'wallboard');
    expect(await opened.page.locator('.disk[data-vault="vault-disks"]').count()).toBeGreaterThan(0);
    expect(await opened.page.getByRole('button', { name: /^(Protect|Unprotect) / }).count()).toBe(0);
    expect(opened.pageErrors).toEqual([]);
    await opened.page.close();
  }, 60_000);
});
