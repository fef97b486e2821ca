import { describe, expect, it } from 'vitest';
import type { ConsolePolicyFragment } from '../../schema/client/graphql.js';
import { toneOf } from '../../console/src/format.js';
import { refusalOf } from '../../console/src/outcome.js';
import { createInput, emptyPolicyForm, formOfPolicy, retentionText, scheduleText, updateInput } from '../../console/src/policy-form.js';

const policy: ConsolePolicyFragment = {
  id: 'P1',
  name: 'nightly',
  enabled: true,
  nextRunAt: '2026-12-08T01:00:00.000Z',
  supportedMutations: ['UPDATE', 'DELETE', 'ATTACH', 'DETACH', 'RUN'],
  canSwitchOff: true,
  provider: { id: 'V', name: 'vbs', kind: 'HUAWEI_VBS' },
  schedule: { timesOfDay: ['01:00', '02:00'], daysOfWeek: ['MONDAY', 'FRIDAY'], intervalDays: null, timeZone: 'Etc/GMT-8', utcTimesOfDay: ['17:00', '18:00'] },
  retention: { maxBackups: 7, retentionDays: null },
  targets: [{ __typename: 'Volume', id: 'D1', name: 'db-01-data' }],
};

describe('console: the policy form and the API inputs', () => {
  it('a create sends every field as typed: times split, weekdays in week order, the one retention rule', () => {
    const form = { ...emptyPolicyForm('Europe/Berlin'), provider: 'Z', name: 'n', times: '14:00, 02:00 ', repeat: 'weekdays' as const, weekdays: ['FRIDAY' as const, 'MONDAY' as const] };
    expect(createInput({ ...form, retentionRule: 'retentionDays', retention: '30', targetIds: ['V1'], backupStorageId: 'S' })).toEqual({
      provider: 'Z',
      name: 'n',
      schedule: { timesOfDay: ['14:00', '02:00'], daysOfWeek: ['MONDAY', 'FRIDAY'], intervalDays: null, timeZone: 'Europe/Berlin' },
      retention: { retentionDays: 30 },
      enabled: true,
      targetIds: ['V1'],
      backupStorageId: 'S',
    });
    // Not a whole number: sent as null, and the gateway names the field.
    expect(createInput({ ...form, repeat: 'interval', intervalDays: '1.5', retention: '' })).toMatchObject({ schedule: { daysOfWeek: null, intervalDays: null }, retention: { maxBackups: null } });
  });

  it('an edit sends only what changed', () => {
    const form = formOfPolicy(policy);
    expect(updateInput(form, policy)).toEqual({ id: 'P1', name: null, schedule: null, retention: null, enabled: null, backupStorageId: null });
    expect(updateInput({ ...form, retentionRule: 'retentionDays', retention: '14' }, policy)).toEqual({
      id: 'P1',
      name: null,
      schedule: null,
      retention: { retentionDays: 14 },
      enabled: null,
      backupStorageId: null,
    });
    expect(updateInput({ ...form, weekdays: ['MONDAY'], enabled: false }, policy)).toMatchObject({
      schedule: { timesOfDay: ['01:00', '02:00'], daysOfWeek: ['MONDAY'], intervalDays: null, timeZone: 'Etc/GMT-8' },
      enabled: false,
    });
  });

  it('schedule and retention as the list shows them', () => {
    expect(scheduleText(policy.schedule)).toBe('01:00, 02:00 Mon Fri (Etc/GMT-8)');
    expect(scheduleText({ ...policy.schedule, daysOfWeek: null, intervalDays: 3 })).toBe('01:00, 02:00 every 3 days (Etc/GMT-8)');
    expect(retentionText(policy.retention)).toBe('newest 7');
    expect(retentionText({ maxBackups: null, retentionDays: 30 })).toBe('30 days');
    expect(['PROTECTED', 'STALE', 'UNPROTECTED'].map(toneOf)).toEqual(['ok', 'busy', 'bad']);
  });

  it('a refusal keeps the rule beside the field, so the form can offer "Move it here" for in-another-policy', () => {
    expect(refusalOf({ __typename: 'AttachBackupPolicySuccess' })).toBeNull();
    expect(refusalOf({ __typename: 'ValidationError', field: 'targetIds', rule: 'in-another-policy', message: 'a disk is in policy db-nightly' })).toEqual({
      kind: 'invalid',
      fields: { targetIds: 'a disk is in policy db-nightly' },
      rules: { targetIds: 'in-another-policy' },
    });
  });
});
