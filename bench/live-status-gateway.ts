import { writeHeapSnapshot } from 'node:v8';
import { loadConfigFile } from '../src/infrastructure/config.js';
import { createLogger } from '../src/infrastructure/logger.js';
import { createGateway } from '../src/server/gateway.js';

/**
 * The gateway of the live-status benchmark, in its own process: the production `createGateway`, plus
 * an IPC channel through which the benchmark asks for memory figures after a full garbage collection
 * (started with --expose-gc), so that memory per subscriber is not blurred by garbage not yet collected.
 */

const gateway = await createGateway(loadConfigFile(process.argv[2]!), { logger: createLogger({ level: 'warn' }) });
process.send!({ type: 'listening', url: gateway.graphqlUrl });
process.on('message', (message: { type: string }) => {
  if (message.type === 'memory') {
    (globalThis as { gc?: () => void }).gc?.();
    if (process.env.BENCH_HEAP_SNAPSHOT) writeHeapSnapshot(`${process.env.BENCH_HEAP_SNAPSHOT}-${Date.now()}.heapsnapshot`);
    const { rss, heapUsed } = process.memoryUsage();
    process.send!({ type: 'memory', rss, heapUsed });
  } else if (message.type === 'stop') {
    void gateway.close().then(() => process.exit(0));
  }
});
