import { useEffect } from 'react';
import { useSubscription } from 'urql';
import { JobUpdatedDocument, type JobFieldsFragment } from '../../../schema/client/graphql.js';
import { Breakable } from './Breakable';
import { StatusBadge } from './StatusBadge';

export interface TrackedJob {
  id: string;
  /** What the person asked for, e.g. "Volume backup nightly-1". */
  label: string;
  initial: JobFieldsFragment;
  /**
   * Runs when the job has SUCCEEDED or FAILED: what it changed upstream (a vault's disks) is read
   * again then, not when the mutation answers, while the vendor may still be working.
   */
  onEnd?(): void;
}

/** Jobs started from this console, each following jobUpdated until it succeeds or fails. */
export function JobsDrawer({ jobs }: { jobs: readonly TrackedJob[] }) {
  return (
    <section className="panel jobs" aria-labelledby="jobs-title">
      <h2 id="jobs-title">Jobs</h2>
      {jobs.length === 0 && <p className="muted">Jobs you start appear here and follow the vendor until they end.</p>}
      <ul aria-live="polite">
        {jobs.map((job) => (
          <JobItem key={job.id} job={job} />
        ))}
      </ul>
    </section>
  );
}

function JobItem({ job }: { job: TrackedJob }) {
  // The subscription's first event is the job as it stands; it completes after SUCCEEDED or FAILED.
  const [{ data }] = useSubscription({ query: JobUpdatedDocument, variables: { id: job.id } });
  const current = data?.jobUpdated ?? job.initial;
  const ended = current.status === 'SUCCEEDED' || current.status === 'FAILED';
  const { onEnd } = job;
  useEffect(() => {
    if (ended) onEnd?.();
  }, [ended, onEnd]);
  return (
    <li className="job" data-job={job.id} data-status={current.status}>
      <div>
        <strong>{job.label}</strong> <StatusBadge status={current.status} />
        {current.progress !== null && current.status === 'RUNNING' && <span className="muted"> {current.progress}%</span>}
      </div>
      <div className="muted">
        {current.operation} · vendor job{' '}
        <code className="job-id">
          <Breakable text={current.vendorId} />
        </code>
      </div>
      {current.error && (
        <div className="field-error">
          {current.error.vendorCode ?? current.error.code}: {current.error.message}
        </div>
      )}
    </li>
  );
}
