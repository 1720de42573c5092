import { describe, expect, it } from 'vitest';
import { decimalPrice } from './json-ld.ts';
import {
  type CourseSessionDef,
  isCalendarDate,
  outlineHours,
  seatsLeft,
  sessionProblems,
  upcomingSessions,
  zonedDateTime,
} from './marketing.ts';

const session = (over: Partial<CourseSessionDef> = {}): CourseSessionDef => ({
  id: 's1',
  sku: 'TR-FHIR101-LV-S',
  startsOn: '2027-01-12',
  endsOn: '2027-01-14',
  dailyStart: '10:00',
  dailyEnd: '17:00',
  timeZone: 'America/New_York',
  location: 'Online',
  capacity: 16,
  seatsTaken: 4,
  instructorKey: null,
  status: 'scheduled',
  ...over,
});

describe('live sessions', () => {
  it('writes wall-clock times with the zone’s offset on that day (standard and summer time)', () => {
    expect(zonedDateTime('2027-01-12', '10:00', 'America/New_York')).toBe('2027-01-12T10:00:00-05:00');
    expect(zonedDateTime('2027-07-13', '10:00', 'America/New_York')).toBe('2027-07-13T10:00:00-04:00');
    expect(zonedDateTime('2027-03-30', '09:00', 'Europe/Berlin')).toBe('2027-03-30T09:00:00+02:00');
    expect(zonedDateTime('2027-01-12', '09:00', 'Europe/London')).toBe('2027-01-12T09:00:00+00:00');
    expect(zonedDateTime('2027-01-12', '09:00', 'Asia/Kolkata')).toBe('2027-01-12T09:00:00+05:30');
  });

  it('counts seats left only when the capacity is known', () => {
    expect(seatsLeft(session())).toBe(12);
    expect(seatsLeft(session({ seatsTaken: 16 }))).toBe(0);
    expect(seatsLeft(session({ capacity: null }))).toBeNull();
  });

  it('lists scheduled sessions of the course from today on, soonest first', () => {
    const all = [
      session({ id: 'later', startsOn: '2027-03-02', endsOn: '2027-03-04' }),
      session({ id: 'past', startsOn: '2026-11-03', endsOn: '2026-11-05' }),
      session({ id: 'today', startsOn: '2026-12-01', endsOn: '2026-12-03' }),
      session({ id: 'cancelled', status: 'cancelled' }),
      session({ id: 'other', sku: 'TR-USCORE-LV-S' }),
    ];
    expect(upcomingSessions(all, new Set(['TR-FHIR101-LV-S']), '2026-12-01').map((s) => s.id)).toEqual([
      'today',
      'later',
    ]);
  });

  it('says what is wrong with a session', () => {
    const live = new Set(['TR-FHIR101-LV-S']);
    const instructors = new Set(['priya-raman']);
    expect(sessionProblems(session(), live, instructors)).toEqual([]);
    const paths = (s: CourseSessionDef) => sessionProblems(s, live, instructors).map((p) => p.path);
    expect(paths(session({ sku: 'TR-FHIR101-SP-P' }))).toEqual(['/sku']);
    expect(paths(session({ endsOn: '2027-01-11' }))).toEqual(['/endsOn']);
    expect(paths(session({ startsOn: '2027-02-29' }))).toEqual(['/startsOn']);
    expect(paths(session({ dailyEnd: '10:00' }))).toEqual(['/dailyEnd']);
    expect(paths(session({ timeZone: 'Nowhere/Land' }))).toEqual(['/timeZone']);
    expect(paths(session({ seatsTaken: 17 }))).toEqual(['/seatsTaken']);
    expect(paths(session({ instructorKey: 'nobody' }))).toEqual(['/instructorKey']);
  });

  it('knows real calendar dates and adds up an outline', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2027-02-29')).toBe(false);
    expect(isCalendarDate('2027-1-2')).toBe(false);
    expect(outlineHours([{ hours: 2 }, { hours: 3 }])).toBe(5);
  });
});

describe('schema.org prices', () => {
  it('are decimal strings in major units, never floats', () => {
    expect(decimalPrice(2900, 'USD')).toBe('29.00');
    expect(decimalPrice(5, 'EUR')).toBe('0.05');
    expect(decimalPrice(1_500_000, 'CAD')).toBe('15000.00');
  });
});
