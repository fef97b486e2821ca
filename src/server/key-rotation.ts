import { watch, type FSWatcher } from 'node:fs';
import type { GatewayConfig } from '../infrastructure/config.js';
import type { Gateway } from './gateway.js';
import type { Logger } from '../infrastructure/logger.js';

/**
 * API keys change without a restart: on SIGHUP, and when the config file changes, the file is read
 * again and its keys replace the running ones (see Gateway.replaceKeys). A file that does not parse,
 * or that adds or removes tenants, is refused whole and logged; the keys in force stay. Other
 * settings are read at start only.
 */
export function reloadKeysOnChange(options: { path: string; load: (path: string) => GatewayConfig; gateway: Pick<Gateway, 'replaceKeys'>; log: Logger }): () => void {
  const { path, load, gateway, log } = options;
  const reload = (trigger: string) => {
    try {
      const { revoked, socketsClosed } = gateway.replaceKeys(load(path).tenants);
      log.info({ trigger, revoked, socketsClosed }, 'API keys reloaded');
    } catch (error) {
      // ConfigError lists the bad fields by path; it never holds a secret's value.
      log.error({ trigger, problem: (error as Error).message }, 'API keys not reloaded: the new config is refused, the old keys stay');
    }
  };
  const onHangup = () => reload('SIGHUP');
  process.on('SIGHUP', onHangup);
  // Editors replace a file in several writes: one reload once they are done.
  let pending: NodeJS.Timeout | null = null;
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(path, () => {
      if (pending) clearTimeout(pending);
      pending = setTimeout(() => reload('file change'), 200);
    });
  } catch (error) {
    log.warn({ err: error }, 'config file cannot be watched; send SIGHUP to reload keys');
  }
  return () => {
    process.off('SIGHUP', onHangup);
    if (pending) clearTimeout(pending);
    watcher?.close();
  };
}
