import { useEffect, useRef } from 'react';

/** A modal confirmation (native <dialog>: focus trapped, Escape cancels) that says what will be lost. */
export function Confirm({ title, children, action, onConfirm, onCancel }: { title: string; children: React.ReactNode; action: string; onConfirm(): void; onCancel(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog ref={dialog} className="confirm" aria-labelledby="confirm-title" onCancel={onCancel}>
      <h2 id="confirm-title">{title}</h2>
      {children}
      <div className="actions">
        <button type="button" onClick={onCancel} autoFocus>
          Cancel
        </button>
        <button type="button" className="danger" onClick={onConfirm}>
          {action}
        </button>
      </div>
    </dialog>
  );
}
