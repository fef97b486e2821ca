#!/usr/bin/env node
import { parseCommandLine } from './cli.js';
import { ConfigError, loadConfigFile } from './infrastructure/config.js';
import { pino } from 'pino';
import { createLogger } from './infrastructure/logger.js';
import { reloadKeysOnChange } from './server/key-rotation.js';
import { startTracing, tracingWanted, type Tracing } from './infrastructure/tracing.js';
import type { Demo } from './demo.js';

/**
 * Log lines go out in writes of 4 KiB or more, and at least every 200 ms: one write(2) per line cost
 * about 3 % of the gateway's CPU under the dashboard load (a line per operation). Pino flushes the
 * rest synchronously on exit, so a signal's drain (which ends in process.exit) and a fatal error
 * (log.fatal, then process.exit) lose nothing; an uncaught exception or rejection exits through
 * the same event. Only a kill -9 or a V8 abort can lose the last 200 ms.
 */
const log = createLogger({ destination: pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 200 }) });

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
