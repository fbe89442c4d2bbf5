import * as E from 'fp-ts/Either';

// Date, time to the minute, optional seconds and fraction, and a zone: what `toISOString()`
// writes and what people type. No bare dates, no local times (whose zone would be ours, not theirs).
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2}))$/;

export const DATE_TIME_EXPECTED = 'must be an ISO 8601 date-time with a time zone, e.g. 2027-02-28T09:30:00Z';

/**
 * An instant written as an ISO 8601 date-time. JavaScript's `Date` rolls impossible fields over
 * (30 February is 2 March, 24:00 is the next day); here every field must survive a round trip,
 * so a date that does not exist is refused rather than quietly moved.
 */
export const parseDateTime = (s: string): E.Either<string, Date> => {
  const m = DATE_TIME.exec(s);
  if (!m) return E.left(DATE_TIME_EXPECTED);
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const ms = m[7] ? Math.floor(Number(m[7]) * 1000) : 0;
  const local = new Date(0);
  local.setUTCFullYear(year, month - 1, day);
  local.setUTCHours(hour, minute, second, ms);
  const survives =
    local.getUTCFullYear() === year && local.getUTCMonth() === month - 1 && local.getUTCDate() === day && local.getUTCHours() === hour && local.getUTCMinutes() === minute && local.getUTCSeconds() === second;
  const offsetHours = m[10] === undefined ? 0 : Number(m[10]);
  const offsetMinutes = m[11] === undefined ? 0 : Number(m[11]);
  if (!survives || offsetHours > 23 || offsetMinutes > 59) return E.left('must be a date and time that exist (no 30 February, no 24:00)');
  const offsetMs = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  return E.right(new Date(local.getTime() - offsetMs));
};
