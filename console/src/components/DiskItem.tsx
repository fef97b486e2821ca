import { useState } from 'react';
import { humanSize } from '../format';
import { useCan } from '../viewer';
import type { Disk, Storage } from '../vaults';
import { Breakable } from './Breakable';
import type { TrackedJob } from './JobsDrawer';
import { ProtectForm } from './ProtectForm';
import { UnprotectConfirm } from './UnprotectConfirm';

/**
 * One disk: the vault that holds it, Protect (scope backup) when none does, Unprotect (scope delete)
 * when one does. `vault` undefined: the vaults are not read yet, so neither is offered.
 */
export function DiskItem({ disk, vault, choices, onJob }: { disk: Disk; vault: Storage | null | undefined; choices: readonly Storage[]; onJob(job: TrackedJob): void }) {
  const [open, setOpen] = useState<'protect' | 'unprotect' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const canProtect = useCan('BACKUP');
  const canUnprotect = useCan('DELETE');
  const name = disk.name ?? disk.id;
  const start = (which: 'protect' | 'unprotect') => {
    setError(null);
    setOpen(which);
  };
  return (
    <li className="disk" data-disk={name} data-vault={vault?.name ?? ''}>
      <div className="disk-head">
        <div>
          <strong>
            <Breakable text={name} />
          </strong>
          <div className="muted">
            {disk.provider.name} · {humanSize(disk.sizeBytes)}
            {disk.status && ` · ${disk.status}`}
          </div>
          <div className="vault-state">{vault === undefined ? '…' : vault ? <>in vault <strong>{vault.name}</strong></> : <span className="muted">not bound to a vault</span>}</div>
        </div>
        <div className="row-actions">
          {vault === null && canProtect && open !== 'protect' && (
            <button type="button" onClick={() => start('protect')} aria-label={`Protect ${name}`}>
              Protect…
            </button>
          )}
          {vault && canUnprotect && (
            <button type="button" className="danger" onClick={() => start('unprotect')} aria-label={`Unprotect ${name}`}>
              Unprotect…
            </button>
          )}
        </div>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {open === 'protect' && vault === null && <ProtectForm disk={disk} choices={choices} onJob={onJob} onClose={() => setOpen(null)} />}
      {open === 'unprotect' && vault && <UnprotectConfirm disk={disk} vault={vault} onJob={onJob} onError={setError} onClose={() => setOpen(null)} />}
    </li>
  );
}
