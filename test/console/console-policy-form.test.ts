import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../src/simulators/zstack/index.js';
import { idOf, providerIdOf, startThreeVendorStack } from '../cross-vendor/three-vendors.js';
import { ARTIFACTS, launchChromium, offlinePage } from '../support/chromium.js';
import type { Stack } from '../support/stack.js';

/**
 * The console's policy form on a configured gateway over the ZStack, VBS and TaurusDB simulators:
 * create, edit, attach (with VBS's in-another-policy rule and "Move it here") and delete through
 * the page, each checked against the API and the simulators' request logs; a refused schedule
 * shows its error beside the field it names and sends nothing upstream.
 */

const CREATE = `mutation($input: CreateBackupPolicyInput!) { createBackupPolicy(input: $input) { __typename ... on CreateBackupPolicySuccess { policy { id vendorId } } } }`;
const POLICIES = `{ backupPolicies { edges { node { id name retention { maxBackups retentionDays } targets { ... on Volume { id } } } } } }`;

type Listed = { id: string; name: string; retention: { maxBackups: number | null; retentionDays: number | null }; targets: { id?: string }[] };

describe('the console\'s policy form: create, edit, attach and move, delete, and refusals beside their fields', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    stack = await startThreeVendorStack({ extra: { server: { port: 0, host: '127.0.0.1', console: true } } });
    browser = await launchChromium();
    ({ page, pageErrors } = await offlinePage(browser, stack.gateway.url));
    await page.goto(`${stack.gateway.url}/console#policies`);
    await page.getByLabel('API key').fill(stack.apiKey);
    await page.getByRole('button', { name: 'Open console' }).click();
    await page.locator('#policy-create-name').waitFor({ timeout: 30_000 });
  }, 60_000);
  afterAll(async () => {
    expect(pageErrors).toEqual([]);
    await browser?.close();
    await stack?.close();
  });

  async function listed(): Promise<Listed[]> {
    const response = await stack.graphql<{ backupPolicies: { edges: { node: Listed }[] } }>(POLICIES);
    expect(response.body.errors).toBeUndefined();
    return response.body.data!.backupPolicies.edges.map((edge) => edge.node);
  }

  const row = (name: string) => page.locator(`tbody tr[data-policy="${name}"]`);
  const writes = (vendor: string) => stack.upstreamRequests().filter((r) => r.vendor === vendor && r.method !== 'GET');

  it('creates a ZStack policy: it appears in the list and the simulator got its job group, job and trigger', async () => {
    const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(await page.inputValue('#policy-create-zone')).toBe(zone);
    stack.clearUpstreamRequests();
    await page.locator('#policy-create-provider').selectOption({ label: 'zs' });
    await page.fill('#policy-create-name', 'console-nightly');
    await page.fill('#policy-create-times', '03:00');
    await page.fill('#policy-create-zone', 'Europe/Berlin');
    await page.fill('#policy-create-retention', '6');
    await page.locator('#policy-create-storage').selectOption(idOf('BackupStorage', 'zs', DEMO.imageStoreMain));
    await page.locator(`#policy-create-targetIds input[value="${idOf('Volume', 'zs', DEMO.vmDbData)}"]`).check();
    await page.getByRole('button', { name: 'Create policy' }).click();

    await row('console-nightly').waitFor({ timeout: 20_000 });
    // 03:00 in Berlin in winter is 02:00 UTC; ZStack keeps instants, read back in UTC.
    expect(await row('console-nightly').locator('td.schedule').innerText()).toBe('02:00 daily (UTC)');
    expect(await row('console-nightly').locator('td.retention').innerText()).toBe('newest 6');
    expect(await row('console-nightly').locator('td.policy-targets').innerText()).toBe('vm-db-data');
    expect((await listed()).find((p) => p.name === 'console-nightly')).toMatchObject({ retention: { maxBackups: 6 }, targets: [{ id: idOf('Volume', 'zs', DEMO.vmDbData) }] });
    const posts = writes('zstack').map((r) => r.path.replace('/zstack/v1', '').replace(/[0-9a-f]{32}/g, ':id'));
    expect(posts).toEqual(expect.arrayContaining(['/scheduler/jobgroups', '/scheduler/jobs', '/scheduler/triggers']));
    const group = stack.zstack!.server.requests({ method: 'POST', pathIncludes: '/scheduler/jobgroups' }).find((r) => r.path.endsWith('/scheduler/jobgroups'))!;
    expect(JSON.parse(group.body).params).toMatchObject({ name: 'console-nightly', parameters: { retentionType: 'Count', retentionValue: '6' } });
    // The form is ready for the next one.
    expect(await page.inputValue('#policy-create-name')).toBe('');
  }, 60_000);

  it('a VBS time other than :00 shows unsupported-by-provider beside the times, and nothing reaches VBS', async () => {
    stack.clearUpstreamRequests();
    await page.locator('#policy-create-provider').selectOption({ label: 'vbs' });
    await page.fill('#policy-create-name', 'half-past');
    await page.fill('#policy-create-times', '02:30');
    await page.getByRole('button', { name: 'Create policy' }).click();

    const error = page.locator('#policy-create-schedule-timesOfDay-error');
    await error.waitFor({ timeout: 20_000 });
    expect(await error.innerText()).toMatch(/^HUAWEI_VBS /);
    expect(await page.getAttribute('#policy-create-times', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#policy-create-times', 'aria-describedby')).toContain('policy-create-schedule-timesOfDay-error');
    await page.screenshot({ path: `${ARTIFACTS}/console-policy-refused.png` });
    expect(writes('vbs')).toEqual([]);
    expect((await listed()).map((p) => p.name)).not.toContain('half-past');
  }, 60_000);

  it('a TaurusDB create shows one-policy-per-instance beside the provider, and nothing reaches TaurusDB', async () => {
    stack.clearUpstreamRequests();
    await page.locator('#policy-create-provider').selectOption({ label: 'tdb' });
    await page.fill('#policy-create-name', 'second-policy');
    await page.fill('#policy-create-times', '04:00');
    await page.getByRole('button', { name: 'Create policy' }).click();
    const error = page.locator('#policy-create-provider-error');
    await error.waitFor({ timeout: 20_000 });
    expect(await error.innerText()).toContain('one policy per instance');
    expect(await page.getAttribute('#policy-create-provider', 'aria-invalid')).toBe('true');
    expect(writes('taurusdb')).toEqual([]);
  }, 60_000);

  it('each row offers only the actions its policy takes: a TaurusDB policy is edited only, a ZStack legacy job deleted only, others also targeted and deleted', async () => {
    const response = await stack.graphql<{ backupPolicies: { edges: { node: { name: string; provider: { kind: string }; supportedMutations: string[] } }[] } }>(
      '{ backupPolicies { edges { node { name provider { kind } supportedMutations } } } }',
    );
    const policies = response.body.data!.backupPolicies.edges.map((edge) => edge.node);
    const taurus = policies.filter((p) => p.provider.kind === 'HUAWEI_TAURUSDB');
    expect(taurus.length).toBeGreaterThan(0);
    expect(new Set(taurus.map((p) => p.supportedMutations.join()))).toEqual(new Set(['UPDATE']));
    // The demo's stand-alone ZStack job from before job groups takes no update, attach or detach (legacy-job).
    const LEGACY = 'vm-web-root-weekly';
    expect(policies.find((p) => p.name === LEGACY)?.supportedMutations).toEqual(['DELETE', 'RUN']);
    const others = policies.filter((p) => p.provider.kind !== 'HUAWEI_TAURUSDB' && p.name !== LEGACY);
    expect(others.length).toBeGreaterThan(0);
    expect(new Set(others.map((p) => p.supportedMutations.join()))).toEqual(new Set(['UPDATE,DELETE,ATTACH,DETACH,RUN']));

    // TaurusDB rows share their name ("automated backups"): rows are told apart by provider kind.
    const rows = (kinds: string) => page.locator(`tbody tr${kinds}`);
    const taurusRows = rows('[data-provider-kind="HUAWEI_TAURUSDB"]');
    const otherRows = rows(`:not([data-provider-kind="HUAWEI_TAURUSDB"]):not([data-policy="${LEGACY}"])`);
    await taurusRows.first().waitFor({ timeout: 20_000 });
    expect(await taurusRows.count()).toBe(taurus.length);
    expect(await otherRows.count()).toBe(others.length);
    const offered = async (list: typeof taurusRows) => Promise.all((await list.all()).map((r) => r.locator('td.actions button').allInnerTexts()));
    expect(new Set((await offered(taurusRows)).map((labels) => labels.join()))).toEqual(new Set(['Edit']));
    expect(await offered(row(LEGACY))).toEqual([['Delete…']]);
    expect(new Set((await offered(otherRows)).map((labels) => labels.join()))).toEqual(new Set(['Edit,Targets,Delete…']));
  }, 60_000);

  it("editing a policy's retention round-trips: the list, the API and the form opened again show the new value", async () => {
    await row('console-nightly').getByRole('button', { name: 'Edit console-nightly' }).click();
    expect(await page.inputValue('#policy-edit-retention')).toBe('6');
    await page.locator('#policy-edit-retention-rule').selectOption('retentionDays');
    await page.fill('#policy-edit-retention', '14');
    await page.getByRole('button', { name: 'Save' }).click();

    await expect.poll(() => row('console-nightly').locator('td.retention').innerText(), { timeout: 20_000 }).toBe('14 days');
    expect((await listed()).find((p) => p.name === 'console-nightly')!.retention).toEqual({ maxBackups: null, retentionDays: 14 });
    await row('console-nightly').getByRole('button', { name: 'Edit console-nightly' }).click();
    expect(await page.inputValue('#policy-edit-retention-rule')).toBe('retentionDays');
    expect(await page.inputValue('#policy-edit-retention')).toBe('14');
    await page.getByRole('button', { name: 'Cancel' }).click();
  }, 60_000);

  it('the edit form offers switching off only where the policy can be (canSwitchOff): a TaurusDB policy shows Enabled on and disabled', async () => {
    const response = await stack.graphql<{ backupPolicies: { edges: { node: { provider: { kind: string }; canSwitchOff: boolean } }[] } }>(
      '{ backupPolicies { edges { node { provider { kind } canSwitchOff } } } }',
    );
    const policies = response.body.data!.backupPolicies.edges.map((edge) => edge.node);
    expect(new Set(policies.map((p) => `${p.provider.kind}:${p.canSwitchOff}`))).toEqual(new Set(['HUAWEI_TAURUSDB:false', 'ZSTACK:true']));

    const enabled = page.locator('#policy-edit-title ~ form').getByLabel('Enabled');
    await page.locator('tbody tr[data-provider-kind="HUAWEI_TAURUSDB"]').first().getByRole('button', { name: /^Edit / }).click();
    expect([await enabled.isChecked(), await enabled.isDisabled()]).toEqual([true, true]);
    expect(await enabled.getAttribute('aria-describedby')).toBe('policy-edit-enabled-hint');
    expect(await page.locator('#policy-edit-enabled-hint').innerText()).toBe('Always on: this provider cannot switch the policy off.');
    await page.getByRole('button', { name: 'Cancel' }).click();

    await row('console-nightly').getByRole('button', { name: 'Edit console-nightly' }).click();
    expect([await enabled.isChecked(), await enabled.isDisabled()]).toEqual([true, false]);
    expect(await page.locator('#policy-edit-enabled-hint').count()).toBe(0);
    await page.getByRole('button', { name: 'Cancel' }).click();
  }, 60_000);

  it('attaching a VBS disk that is in another policy shows in-another-policy beside the targets; "Move it here" moves it', async () => {
    // The demo's policy db-nightly has backed up db-01-data: VBS lists no policy's disks, its backup tasks name it.
    stack.vbs!.policies.seedDemo(Date.now());
    const holder = [...stack.vbs!.policies.policies.values()].find((p) => p.name === 'db-nightly')!;
    const disk = [...holder.disks][0]!;
    const diskId = idOf('Volume', 'vbs', disk);
    const created = await stack.graphql<{ createBackupPolicy: { policy: { vendorId: string } } }>(CREATE, {
      input: { provider: providerIdOf('vbs'), name: 'mover', schedule: { timesOfDay: ['02:00'], timeZone: 'UTC' }, retention: { maxBackups: 7 } },
    });
    const mover = created.body.data!.createBackupPolicy.policy;
    // Back to the Policies view: it reads the list again.
    await page.getByRole('link', { name: 'Backups' }).click();
    await page.getByRole('link', { name: 'Policies' }).click();

    stack.clearUpstreamRequests();
    await row('mover').getByRole('button', { name: 'Targets of mover' }).click();
    await page.locator(`#policy-targets-targetIds input[value="${diskId}"]`).check();
    await page.getByRole('button', { name: 'Attach', exact: true }).click();
    const error = page.locator('#policy-targets-targetIds-error');
    await error.waitFor({ timeout: 20_000 });
    expect(await error.innerText()).toContain('db-nightly');
    expect(await page.getAttribute('#policy-targets-targetIds', 'aria-invalid')).toBe('true');
    expect(writes('vbs')).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/console-policy-in-another.png` });

    await page.getByRole('button', { name: 'Move it here' }).click();
    await page.locator(`.target-list li[data-target="${diskId}"]`).waitFor({ timeout: 20_000 });
    expect(await error.count()).toBe(0);
    expect(stack.vbs!.policies.policies.get(mover.vendorId)!.disks).toEqual(new Set([disk]));
    expect(holder.disks).toEqual(new Set());
    expect(writes('vbs').map((r) => `${r.method} ${r.path.replace(/^\/v2\/[0-9a-f]{32}/, '')}`)).toEqual(['POST /backuppolicyresources']);
    await page.getByRole('button', { name: 'Done' }).click();
  }, 60_000);

  it('delete asks first, then removes the policy from the list and from VBS', async () => {
    const mover = (await listed()).find((p) => p.name === 'mover')!;
    stack.clearUpstreamRequests();
    await row('mover').getByRole('button', { name: 'Delete mover' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete policy mover?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(writes('vbs')).toEqual([]);

    await row('mover').getByRole('button', { name: 'Delete mover' }).click();
    await dialog.getByRole('button', { name: 'Delete policy' }).click();
    await row('mover').waitFor({ state: 'detached', timeout: 20_000 });
    expect((await listed()).map((p) => p.id)).not.toContain(mover.id);
    expect(writes('vbs').map((r) => r.method)).toEqual(['DELETE']);
  }, 60_000);
});
