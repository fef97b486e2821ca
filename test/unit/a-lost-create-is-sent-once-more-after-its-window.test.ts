import { describe, expect, it } from 'vitest';
import { TransportError, VendorError } from '../../src/domain/errors.js';
import type { BackupRecord } from '../../src/domain/provider.js';
import { pollLookup, type LookupJob } from '../../src/providers/huawei/unconfirmed-creates.js';

/** Where a create whose outcome is unknown stands, poll by poll (providers/huawei/unconfirmed-creates.ts). */

const WINDOW_MS = 1_000;

function lookupStarted(agoMs: number, body: Record<string, unknown> | null = { volume_id: 'v1', name: 'nightly' }): LookupJob {
  return { sourceId: 'v1', name: 'nightly', sinceMs: 0, startedMs: Date.now() - agoMs, body };
}

function vendor(answers: { find?: () => Promise<BackupRecord | null>; resend?: () => Promise<unknown> } = {}) {
  const sent: unknown[] = [];
  return {
    sent,
    find: answers.find ?? (async () => null),
    resend: async (body: Record<string, unknown>) => {
      sent.push(body);
      return answers.resend?.();
    },
  };
}

describe('a create whose outcome is unknown', () => {
  it('is looked up, not sent, while its window lasts', async () => {
    const v = vendor();
    expect(await pollLookup({}, lookupStarted(100), v, WINDOW_MS)).toMatchObject({ status: 'RUNNING' });
    expect(v.sent).toEqual([]);
  });

  it('is sent once more, with the body it held, when the window has proved it absent', async () => {
    const v = vendor();
    expect(await pollLookup({}, lookupStarted(WINDOW_MS + 1), v, WINDOW_MS)).toMatchObject({ status: 'RUNNING', resent: true });
    expect(v.sent).toEqual([{ volume_id: 'v1', name: 'nightly' }]);
  });

  it('is never sent a third time: once resent, it waits a window more, then ends UNKNOWN', async () => {
    const v = vendor();
    expect(await pollLookup({ resent: true }, lookupStarted(WINDOW_MS + 1), v, WINDOW_MS)).toMatchObject({ status: 'RUNNING', resent: true });
    expect(await pollLookup({ resent: true }, lookupStarted(2 * WINDOW_MS), v, WINDOW_MS)).toMatchObject({ status: 'UNKNOWN', error: { code: 'OUTCOME_UNKNOWN' } });
    expect(v.sent).toEqual([]);
  });

  it('ends UNKNOWN when the vendor could not be asked for a whole window after the first; before that the poll fails and is tried again', async () => {
    const down = vendor({ find: () => Promise.reject(new TransportError('refused', false, { maybeSent: false })) });
    await expect(pollLookup({}, lookupStarted(WINDOW_MS + 1), down, WINDOW_MS)).rejects.toThrow('refused');
    const ended = await pollLookup({}, lookupStarted(2 * WINDOW_MS), down, WINDOW_MS);
    expect(ended).toMatchObject({ status: 'UNKNOWN', error: { code: 'OUTCOME_UNKNOWN' } });
    expect(ended.error!.message).toContain('could not be asked');
    expect(down.sent).toEqual([]);
  });

  it('a resend the vendor refuses ends FAILED with its code; one that certainly did not leave is tried at the next poll', async () => {
    const refused = vendor({ resend: () => Promise.reject(new VendorError('acme/vbs', 'VolumeBackup.0040', 400, 'too many backups')) });
    expect(await pollLookup({}, lookupStarted(WINDOW_MS + 1), refused, WINDOW_MS)).toMatchObject({ status: 'FAILED', error: { vendorCode: 'VolumeBackup.0040' } });
    const notSent = vendor({ resend: () => Promise.reject(new TransportError('circuit open', false, { maybeSent: false })) });
    const state = await pollLookup({}, lookupStarted(WINDOW_MS + 1), notSent, WINDOW_MS);
    expect(state).toMatchObject({ status: 'RUNNING' });
    expect(state.resent).toBeUndefined();
  });

  it('a lookup job from before the resend (no body in its id) is never sent again', async () => {
    const v = vendor();
    expect(await pollLookup({}, lookupStarted(WINDOW_MS + 1, null), v, WINDOW_MS)).toMatchObject({ status: 'UNKNOWN' });
    expect(v.sent).toEqual([]);
  });

  it('follows the backup once found, keeping the mark of a resend', async () => {
    const found: BackupRecord = { vendorId: 'b1', status: 'AVAILABLE' } as BackupRecord;
    const v = vendor({ find: async () => found });
    expect(await pollLookup({ resent: true }, lookupStarted(WINDOW_MS + 1), v, WINDOW_MS)).toMatchObject({
      status: 'SUCCEEDED',
      resource: { type: 'Backup', vendorId: 'b1' },
      resent: true,
    });
  });
});
