import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * The embedded state of a gateway without Redis: one SQLite file, `<dataDir>/backupgraph.db`, that
 * holds the watch registry (jobs and what is watched) and the idempotency records, so that a lone
 * gateway finds them again after a restart, SIGKILL included: in WAL mode a commit is in the OS's
 * hands when it returns. The WAL is synced at checkpoints, not at each commit (better-sqlite3's
 * default, NORMAL): a sync per commit blocks the event loop ~3.5 ms on this disk, for every job
 * change; the price is that a crash of the host itself (not of the process) may lose the last commits.
 *
 * One gateway per data directory: the file is opened in exclusive locking mode and the lock is
 * taken at once, so a second gateway on the same directory stops at start instead of sharing
 * records it would misread (an idempotency claim of another live process would look abandoned).
 * The OS drops the lock when the process dies, however it dies.
 */

export type StateDatabase = Database.Database;

export class StateDirInUseError extends Error {
  constructor(readonly path: string) {
    super(`${path} is held by another gateway: give each gateway its own state.dataDir (or use Redis to share state)`);
    this.name = 'StateDirInUseError';
  }
}

export const STATE_FILE = 'backupgraph.db';

export function openStateDatabase(dataDir: string): StateDatabase {
  if (dataDir === ':memory:') return new Database(':memory:');
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, STATE_FILE);
  const db = new Database(path, { timeout: 1_000 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    // The exclusive lock is taken by the first write and kept until the file is closed.
    db.exec('BEGIN IMMEDIATE; COMMIT;');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new StateDirInUseError(path);
    throw error;
  }
  return db;
}
