import { useCallback, useEffect, useRef } from 'react';
import { useClient } from 'urql';
import { JobUpdatedDocument, type JobStatus } from '../../schema/client/graphql.js';

const ENDED: ReadonlySet<JobStatus> = new Set(['SUCCEEDED', 'FAILED']);

/**
 * `whenJobEnds(id, then)` runs `then` once the job has SUCCEEDED or FAILED (jobUpdated's first event
 * is the job as it stands, so a job already over runs it at once). What a job changes upstream
 * (a vault's disks, a disk's backups) is read again then, not when the mutation answers: the
 * vendor may still be working. Subscriptions still open when the component goes are closed.
 */
export function useWhenJobEnds(): (jobId: string, then: () => void) => void {
  const client = useClient();
  const open = useRef(new Set<{ unsubscribe(): void }>());
  useEffect(() => {
    const subscriptions = open.current;
    return () => {
      for (const subscription of subscriptions) subscription.unsubscribe();
      subscriptions.clear();
    };
  }, []);
  return useCallback(
    (jobId: string, then: () => void) => {
      let ended = false;
      const subscription = client.subscription(JobUpdatedDocument, { id: jobId }).subscribe((result) => {
        const status = result.data?.jobUpdated.status;
        if (ended || !status || !ENDED.has(status)) return;
        ended = true;
        then();
        queueMicrotask(() => close());
      });
      const close = () => {
        subscription.unsubscribe();
        open.current.delete(subscription);
      };
      open.current.add(subscription);
    },
    [client],
  );
}
