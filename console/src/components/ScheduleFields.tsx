import type { Weekday } from '../../../schema/client/graphql.js';
import { fieldProps, type FieldErrors } from '../field-errors';
import { WEEKDAYS, type PolicyForm, type Repeat } from '../policy-form';
import { FieldError } from './FieldError';

type Set = <K extends keyof PolicyForm>(key: K, value: PolicyForm[K]) => void;

const REPEATS: Record<Repeat, string> = { daily: 'Every day', weekdays: 'On weekdays', interval: 'Every N days' };

/** When a policy runs: times of day, every day or chosen weekdays or every N days, in a time zone. */
export function ScheduleFields({ prefix, form, set, errors }: { prefix: string; form: PolicyForm; set: Set; errors: FieldErrors }) {
  const id = (field: string) => `${prefix}-${field}`;
  const props = (field: string, hint?: string) => fieldProps(prefix, errors, `schedule.${field}`, hint);
  const toggleDay = (day: Weekday, on: boolean) => set('weekdays', on ? [...form.weekdays, day] : form.weekdays.filter((d) => d !== day));
  return (
    <>
      <label htmlFor={id('times')}>Times of day</label>
      <input id={id('times')} value={form.times} onChange={(e) => set('times', e.target.value)} placeholder="02:00, 14:00" {...props('timesOfDay', id('times-hint'))} />
      <p id={id('times-hint')} className="muted">
        HH:MM, several separated by commas
      </p>
      <FieldError id={`${prefix}-schedule-timesOfDay-error`} message={errors['schedule.timesOfDay']} />

      <label htmlFor={id('repeat')}>Repeat</label>
      <select id={id('repeat')} value={form.repeat} onChange={(e) => set('repeat', e.target.value as Repeat)}>
        {Object.entries(REPEATS).map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      {form.repeat === 'weekdays' && (
        <fieldset className="weekdays" {...props('daysOfWeek')}>
          <legend>Weekdays</legend>
          {WEEKDAYS.map((day) => (
            <label key={day} className="check">
              <input type="checkbox" checked={form.weekdays.includes(day)} onChange={(e) => toggleDay(day, e.target.checked)} />
              {day.charAt(0) + day.slice(1, 3).toLowerCase()}
            </label>
          ))}
        </fieldset>
      )}
      <FieldError id={`${prefix}-schedule-daysOfWeek-error`} message={errors['schedule.daysOfWeek']} />
      {form.repeat === 'interval' && (
        <>
          <label htmlFor={id('interval')}>Every how many days</label>
          <input id={id('interval')} type="number" min={1} value={form.intervalDays} onChange={(e) => set('intervalDays', e.target.value)} {...props('intervalDays')} />
        </>
      )}
      <FieldError id={`${prefix}-schedule-intervalDays-error`} message={errors['schedule.intervalDays']} />

      <label htmlFor={id('zone')}>Time zone</label>
      <input id={id('zone')} value={form.timeZone} onChange={(e) => set('timeZone', e.target.value)} placeholder="Europe/Berlin" {...props('timeZone')} />
      <FieldError id={`${prefix}-schedule-timeZone-error`} message={errors['schedule.timeZone']} />
    </>
  );
}
