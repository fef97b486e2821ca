import { errorCode, sessionExpired, ZStackApiError } from './errors.js';
import type { SessionRecord, ZStackState } from './state.js';

/** ZStack sessions (zstack.md §2): sha512-hex passwords, sliding expiry renewed by every authorized call. */

export function logIn(state: ZStackState, accountName: string, passwordSha512: string, timeoutMs: number): SessionRecord {
  if (accountName !== state.account.name || passwordSha512 !== state.account.passwordSha512) {
    throw new ZStackApiError(errorCode('ID.1000', 'wrong account name or password'));
  }
  const now = state.now();
  const record: SessionRecord = {
    inventory: {
      uuid: state.nextUuid('session'),
      accountUuid: state.account.uuid,
      userUuid: state.account.uuid,
      userType: 'AccountVO',
      expiredDate: state.date(now + timeoutMs),
      createDate: state.date(now),
      noSessionEvaluation: false,
    },
    expiresAt: now + timeoutMs,
  };
  state.sessions.set(record.inventory.uuid, record);
  return record;
}

function liveSession(state: ZStackState, sessionUuid: string): SessionRecord | null {
  const record = state.sessions.get(sessionUuid);
  if (!record) return null;
  if (state.now() > record.expiresAt) {
    // Session.checkSessionExpired logs an expired session out.
    state.sessions.delete(sessionUuid);
    return null;
  }
  return record;
}

/** The API pipeline's session check: ID.1001 for an unknown or expired session, else renews it. */
export function useSession(state: ZStackState, sessionUuid: string, timeoutMs: number): SessionRecord {
  const record = liveSession(state, sessionUuid);
  if (!record) throw sessionExpired();
  record.expiresAt = state.now() + timeoutMs;
  record.inventory.expiredDate = state.date(record.expiresAt);
  return record;
}

export function isSessionValid(state: ZStackState, sessionUuid: string): boolean {
  return liveSession(state, sessionUuid) !== null;
}

export function expireAllSessions(state: ZStackState): void {
  for (const record of state.sessions.values()) record.expiresAt = Number.NEGATIVE_INFINITY;
}
