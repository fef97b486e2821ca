#!/usr/bin/env node
import { parseCommandLine } from './cli.js';
import { ConfigError, loadConfigFile } from './infrastructure/config.js';
import { createLogger } from './infrastructure/logger.js';
import { reloadKeysOnChange } from './server/key-rotation.js';
import { startTracing, tracingWanted, type Tracing } from './infrastructure/tracing.js';
import type { Demo } from './demo.js';

const log = createLogger();

async function main(): Promise<void> {
  const command = parseCommandLine(process.argv.slice(2));
  if (command.kind === 'exit') {
    if (command.stdout) process.stdout.write(command.stdout);
    if (command.stderr) process.stderr.write(command.stderr);
    process.exitCode = command.code;
    return;
  }

  // Loaded only to run: --help, --version and --check-config answer without the whole gateway.
  const [{ startDemo }, { createGateway }] = await Promise.all([import('./demo.js'), import('./server/gateway.js')]);
  let demo: Demo | null = null;
  let config;
  if (command.configPath) {
    config = loadConfigFile(command.configPath);
  } else {
    demo = await startDemo({
      port: Number(process.env.PORT ?? 4000),
      host: process.env.HOST ?? '127.0.0.1',
      apiKey: process.env.BACKUPGRAPH_DEMO_KEY,
    });
    config = demo.config;
  }

  const tracing: Tracing | null = tracingWanted(config.tracing, process.env) ? startTracing(config.tracing) : null;
  const gateway = await createGateway(config, { logger: log, graphiqlApiKey: demo?.apiKey });
  if (demo) {
    // Printed once, to the console only: the key is the demo tenant's whole credential.
    process.stdout.write(
      [
        '',
        'backupgraph demo is up on embedded vendor simulators.',
        `  GraphiQL: ${gateway.graphqlUrl}`,
        `  Console:  ${gateway.url}/console`,
        `  API key:  ${demo.apiKey}   (send as "Authorization: Bearer <key>"; GraphiQL has it already)`,
        '',
      ].join('\n') + '\n',
    );
  }

  const stopReloading = command.configPath ? reloadKeysOnChange({ path: command.configPath, load: loadConfigFile, gateway, log }) : () => {};

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'draining');
    stopReloading();
    await gateway.close();
    await demo?.close();
    await tracing?.shutdown();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else if ((error as Error).name === 'StateDirInUseError') {
    // Named, not imported: the state file's module loads a native addon --help does not need.
    process.stderr.write(`backupgraph: ${(error as Error).message}\n`);
  } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    process.stderr.write(`backupgraph: cannot listen: ${(error as Error).message}\n`);
  } else {
    log.fatal({ err: error }, 'backupgraph failed to start');
  }
  process.exit(1);
});
