import { loadConfigFile } from '../src/infrastructure/config.js';
import { createLogger } from '../src/infrastructure/logger.js';
import { createGateway } from '../src/server/gateway.js';
import { serveBenchControl } from './server-process.js';

/** backupgraph in the live-status benchmark: the production `createGateway`, in its own process. */

const gateway = await createGateway(loadConfigFile(process.argv[2]!), { logger: createLogger({ level: 'warn' }) });
serveBenchControl(gateway.graphqlUrl, () => gateway.close());
