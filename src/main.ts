import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFile } from './config.js';
import { reloadKeysOnChange } from './core/key-rotation.js';
import { createLogger } from './core/logger.js';
import { startDemo, type Demo } from './demo.js';
import { createGateway } from './server.js';

const log = createLogger();

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: 'string' } }, allowPositionals: false });
  const configPath = values.config ?? process.env.BACKUPGRAPH_CONFIG;

  let demo: Demo | null = null;
  let config;
  if (configPath) {
    config = loadConfigFile(configPath);
  } else {
    demo = await startDemo({
      port: Number(process.env.PORT ?? 4000),
      host: process.env.HOST ?? '127.0.0.1',
      apiKey: process.env.BACKUPGRAPH_DEMO_KEY,
    });
    config = demo.config;
  }

  const gateway = await createGateway(config, { logger: log, graphiqlApiKey: demo?.apiKey });
  if (demo) {
    // Printed once, to the console only: the key is the demo tenant's whole credential.
    process.stdout.write(
      [
        '',
        'backupgraph demo is up on embedded vendor simulators.',
        `  GraphiQL: ${gateway.graphqlUrl}`,
        `  API key:  ${demo.apiKey}   (send as "Authorization: Bearer <key>"; GraphiQL has it already)`,
        '',
      ].join('\n') + '\n',
    );
  }

  const stopReloading = configPath ? reloadKeysOnChange({ path: configPath, load: loadConfigFile, gateway, log }) : () => {};

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'draining');
    stopReloading();
    await gateway.close();
    await demo?.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    log.fatal({ err: error }, 'backupgraph failed to start');
  }
  process.exit(1);
});
