/**
 * A namespace's business hours: a time zone, weekly opening intervals and holidays. SLA timers of a
 * hand-off count business time only (an hour's SLA that starts at Friday 16:30 with hours 9-17 is due
 * Monday 09:30), and a hand-off outside the hours tells the customer when a person is back.
 *
 * Pure functions over instants; the time zone's offsets come from Intl (the IANA database Node carries),
 * so daylight-saving changes are counted as they happen. Used by the hand-off activity, never by
 * workflow code: the workflow gets the plan as instants and only sleeps until them.
 */

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface BusinessHours {
  /** IANA time zone, e.g. Europe/Berlin. */
  timeZone: string;
  /** Opening intervals per weekday, "HH:MM-HH:MM" in the time zone; a day not listed is closed. */
  weekly: Partial<Record<Weekday, string[]>>;
  /** Closed all day: local dates YYYY-MM-DD. */
  holidays: string[];
}

export const INTERVAL = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

/** Whether Intl knows the time zone. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Minutes after midnight of "HH:MM-HH:MM", or a reason it is not an interval. */
export function parseInterval(text: string): { from: number; to: number } | string {
  const m = INTERVAL.exec(text);
  if (!m) return 'an interval "HH:MM-HH:MM", like 09:00-17:30';
  const from = Number(m[1]) * 60 + Number(m[2]);
  const to = Number(m[3]) * 60 + Number(m[4]);
  if (to > 24 * 60) return 'ends at 24:00 at the latest';
  if (to <= from) return 'must end after it starts (split an interval that crosses midnight in two days)';
  return { from, to };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function partsIn(timeZone: string, at: number) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const get = (type: string) => Number(f.formatToParts(at).find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** The time zone's offset from UTC at an instant, in ms (positive east of Greenwich). */
function offsetAt(timeZone: string, at: number): number {
  const p = partsIn(timeZone, at);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** The instant of a local wall time; a time skipped by a DST change moves forward with it. */
function instantOf(timeZone: string, year: number, month: number, day: number, minutes: number): number {
  const wall = Date.UTC(year, month - 1, day, 0, minutes);
  let at = wall - offsetAt(timeZone, wall);
  const corrected = wall - offsetAt(timeZone, at);
  if (corrected !== at) at = Math.max(at, corrected);
  return at;
}

/** The opening intervals of the local day `offsetDays` after the local date of `at`, as instants. */
function intervalsOfDay(hours: BusinessHours, local: { year: number; month: number; day: number }, offsetDays: number) {
  const date = new Date(Date.UTC(local.year, local.month - 1, local.day + offsetDays));
  const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
  const iso = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  if (hours.holidays.includes(iso)) return [];
  const list = hours.weekly[WEEKDAYS[date.getUTCDay()]!] ?? [];
  return list
    .map(parseInterval)
    .filter((i): i is { from: number; to: number } => typeof i !== 'string')
    .sort((a, b) => a.from - b.from)
    .map((i) => ({ start: instantOf(hours.timeZone, y, m, d, i.from), end: instantOf(hours.timeZone, y, m, d, i.to) }));
}

/** How far ahead a plan looks for opening hours: more than a year of holidays is a configuration error. */
const HORIZON_DAYS = 400;

/**
 * The instant when `ms` of business time have passed since `start`. With `ms` 0: `start` itself when
 * open, otherwise the next opening. Throws when the hours never open within the horizon.
 */
export function addBusinessTime(start: Date, ms: number, hours: BusinessHours): Date {
  const local = partsIn(hours.timeZone, start.getTime());
  let left = ms;
  let cursor = start.getTime();
  for (let day = 0; day <= HORIZON_DAYS; day += 1) {
    for (const { start: open, end } of intervalsOfDay(hours, local, day)) {
      if (end <= cursor) continue;
      const from = Math.max(open, cursor);
      if (from + left <= end) return new Date(from + left);
      left -= end - from;
      cursor = end;
    }
  }
  throw new Error(`the business hours in ${hours.timeZone} do not open within ${HORIZON_DAYS} days`);
}

/** Whether the hours are open at `at`. */
export function isOpen(at: Date, hours: BusinessHours): boolean {
  return addBusinessTime(at, 0, hours).getTime() === at.getTime();
}

/** "Monday 28 December, 09:00 (Europe/Berlin)": when a person is back, in the customer's words. */
export function describeOpening(at: Date, hours: BusinessHours, locale = 'en-GB'): string {
  const text = new Intl.DateTimeFormat(locale, {
    timeZone: hours.timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
  return `${text} (${hours.timeZone})`;
}
