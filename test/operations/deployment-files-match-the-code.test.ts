import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { ConfigError, parseConfig, type GatewayConfig } from '../../src/infrastructure/config.js';
import { startStack, type Stack } from '../support/stack.js';

/**
 * The deployment files cannot be built or run here (no container daemon), so they are held to the
 * code: every YAML file parses, the config they ship validates, and the port, probe paths and start
 * command are the ones the compiled start (tested in compiled-start-and-cli.test.ts) uses.
 */

type Manifest = Record<string, any>;

const START = JSON.parse(readFileSync('package.json', 'utf8')).scripts['start:prod'] as string;
const CONFIG_PATH = '/etc/backupgraph/config.yaml';
const COMMAND = [...START.split(' '), '--config', CONFIG_PATH];

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

const manifests: Manifest[] = yamlFiles('deploy/kubernetes').flatMap((file) => parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => doc.toJS() as Manifest));
const byKind = (kind: string) => manifests.find((manifest) => manifest.kind === kind)!;
const secret = byKind('Secret');
const deployment = byKind('Deployment');
const container = deployment.spec.template.spec.containers[0];
const configText = readFileSync('deploy/config.yaml', 'utf8');
const PLACEHOLDER = 'REPLACE-with-the-line-npm-run-hash-key-prints';
/** The shipped config as an operator runs it: the placeholder replaced by a key's hash, as `npm run hash-key` prints it. */
const config: GatewayConfig = parseConfig(parseYaml(configText.replace(PLACEHOLDER, 'a'.repeat(64))), secret.stringData);
const dockerfile = readFileSync('Dockerfile', 'utf8');
const compose = parseYaml(readFileSync('deploy/compose/compose.yaml', 'utf8')) as Manifest;

describe('deployment files agree with the code', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ zstack: false });
  });
  afterAll(() => stack.close());

  it('ships no usable API key: the placeholder is refused in one line that says how to make a key', () => {
    expect(configText).toContain(PLACEHOLDER);
    expect(() => parseConfig(parseYaml(configText), secret.stringData)).toThrow(ConfigError);
    try {
      parseConfig(parseYaml(configText), secret.stringData);
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^tenants\[0\]\.apiKeys\[0\]\.sha256: .*npm run hash-key/)]);
    }
  });

  it('every YAML file under deploy/ parses', () => {
    const files = yamlFiles('deploy');
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const file of files) {
      for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) expect(doc.errors, file).toEqual([]);
    }
    expect(manifests.map((manifest) => manifest.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Secret', 'Service']);
  });

  it('ships a config that validates with the Secret\'s values, listening on all interfaces, with Redis for the replicas', () => {
    expect(config.server).toMatchObject({ host: '0.0.0.0', port: 4000 });
    expect(config.redis?.url).toBe('redis://redis:6379');
    expect(byKind('ConfigMap').data['config.yaml']).toBe(configText.replace(/^#.*\n/gm, ''));
  });

  it('starts with the tested production command everywhere', () => {
    expect(START).toBe('node dist/main.js');
    expect(container.command).toEqual(COMMAND);
    expect(compose.services.backupgraph.command).toEqual(COMMAND);
    expect(dockerfile).toContain(`CMD ${JSON.stringify(COMMAND).replace(/,/g, ', ')}`);
    expect(container.volumeMounts[0].mountPath).toBe(CONFIG_PATH.replace('/config.yaml', ''));
    expect(compose.services.backupgraph.volumes[0]).toBe(`../config.yaml:${CONFIG_PATH}:ro`);
  });

  it('uses the config\'s port for the container, the Service, the image and its health check', () => {
    const port = config.server.port;
    expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
    expect(byKind('Service').spec.ports[0]).toMatchObject({ port, targetPort: 'http' });
    expect(dockerfile).toContain(`EXPOSE ${port}`);
    expect(dockerfile).toMatch(new RegExp(`HEALTHCHECK[^]*http://127\\.0\\.0\\.1:${port}/healthz`));
    expect(readFileSync('deploy/compose/nginx.conf', 'utf8')).toContain(`server backupgraph:${port};`);
  });

  it('probes paths the gateway answers: readiness on /readyz, liveness on /healthz', async () => {
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    for (const path of ['/readyz', '/healthz']) expect((await fetch(`${stack.gateway.url}${path}`)).status).toBe(200);
  });

  it('gives the drain time: grace period covers preStop plus the longest upstream deadline', () => {
    const preStop = Number(container.lifecycle.preStop.exec.command[1]);
    const longestUpstreamSeconds = Math.max(...config.tenants.flatMap((tenant) => tenant.providers.map((p) => p.timeoutMs))) / 1000;
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(preStop + longestUpstreamSeconds);
    expect(compose.services.backupgraph.stop_grace_period).toBe(`${deployment.spec.template.spec.terminationGracePeriodSeconds}s`);
  });

  it('builds in two stages and runs production dependencies only, as a non-root user', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toContain('npm ci --omit=dev');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
  });

  it('runs two replicas behind a WebSocket-capable proxy, with a PDB and an HPA that keep two', () => {
    expect(compose.services.backupgraph.deploy.replicas).toBe(2);
    expect(compose.services.redis.image).toMatch(/^redis:/);
    const nginx = readFileSync('deploy/compose/nginx.conf', 'utf8');
    expect(nginx).toContain('proxy_set_header Upgrade $http_upgrade;');
    expect(nginx).toContain('proxy_buffering off;');
    expect(deployment.spec.replicas).toBe(2);
    expect(byKind('PodDisruptionBudget').spec.minAvailable).toBe(1);
    expect(byKind('HorizontalPodAutoscaler').spec.minReplicas).toBe(2);
    expect(container.envFrom[0].secretRef.name).toBe(secret.metadata.name);
  });
});
