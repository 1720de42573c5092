/**
 * What the product pages say besides prices, as plain data: the page of a product, course
 * outlines, instructors, live-workshop sessions and FAQ entries; and the pure rules over them
 * (which sessions are upcoming, seats left, what an edit may contain). No I/O.
 */

export interface Highlight {
  title: string;
  text: string;
}

export interface Screenshot {
  /** Relative to `content/`, e.g. `images/tools/mapper-to-fhir-1.png`. */
  src: string;
  alt: string;
  caption: string;
  width: number;
  height: number;
}

export interface ProductPageDef {
  productKey: string;
  /** One line: the home page's feature grid and the product page's lead. */
  tagline: string;
  /** "What it does": paragraphs of plain text. */
  overview: string[];
  highlights: Highlight[];
  /** Who it is for. */
  audience: string;
  screenshots: Screenshot[];
  /** `/docs/<tool-slug>`, or null. */
  docsPath: string | null;
  /** Courses: the lead instructor. */
  instructorKey: string | null;
  /** Courses: what a participant should know first. */
  prerequisites: string;
}

export interface CourseModuleDef {
  productKey: string;
  position: number;
  title: string;
  hours: number;
  summary: string;
  topics: string[];
}

export interface InstructorDef {
  key: string;
  name: string;
  role: string;
  bio: string;
}

export type SessionStatus = 'scheduled' | 'cancelled';

export interface CourseSessionDef {
  id: string;
  /** The live-workshop SKU this session is a date of. */
  sku: string;
  /** `YYYY-MM-DD`, wall-clock dates in `timeZone`. */
  startsOn: string;
  endsOn: string;
  /** `HH:MM`, each day. */
  dailyStart: string;
  dailyEnd: string;
  /** IANA time zone, e.g. `America/New_York`. */
  timeZone: string;
  location: string;
  capacity: number | null;
  seatsTaken: number;
  instructorKey: string | null;
  status: SessionStatus;
}

export type FaqTopic = 'pricing' | 'training' | 'consulting';
export const FAQ_TOPICS: readonly FaqTopic[] = ['pricing', 'training', 'consulting'];

export interface FaqDef {
  key: string;
  topic: FaqTopic;
  position: number;
  question: string;
  answer: string;
}

export interface MarketingData {
  pages: readonly ProductPageDef[];
  modules: readonly CourseModuleDef[];
  instructors: readonly InstructorDef[];
  sessions: readonly CourseSessionDef[];
  faq: readonly FaqDef[];
}

/** Seats still free, or null when the capacity is not known. */
export function seatsLeft(s: Pick<CourseSessionDef, 'capacity' | 'seatsTaken'>): number | null {
  return s.capacity === null ? null : Math.max(0, s.capacity - s.seatsTaken);
}

/** Scheduled sessions of these SKUs that have not started by `today` (`YYYY-MM-DD`), soonest first. */
export function upcomingSessions(
  sessions: readonly CourseSessionDef[],
  skus: ReadonlySet<string>,
  today: string,
): CourseSessionDef[] {
  return sessions
    .filter((s) => skus.has(s.sku) && s.status === 'scheduled' && s.startsOn >= today)
    .sort((a, b) => a.startsOn.localeCompare(b.startsOn) || a.id.localeCompare(b.id));
}

/** Total hours of an outline. */
export function outlineHours(modules: readonly Pick<CourseModuleDef, 'hours'>[]): number {
  return modules.reduce((sum, m) => sum + m.hours, 0);
}

/** The UTC calendar date of an instant, `YYYY-MM-DD`. */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Whether `d` is a real calendar date written `YYYY-MM-DD`. */
export function isCalendarDate(d: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return false;
  const parsed = new Date(`${d}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && isoDate(parsed) === d;
}

/**
 * The instant a wall-clock time in a time zone is (for JSON-LD's ISO 8601 with offset):
 * `2027-01-12T09:00:00-05:00`. Intl gives the zone's offset at that moment.
 */
export function zonedDateTime(date: string, time: string, zone: string): string {
  const guess = new Date(`${date}T${time}:00Z`);
  const offsetMinutes = (at: Date) => {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      timeZoneName: 'longOffset',
    }).formatToParts(at);
    const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
    if (!m) return 0;
    const sign = m[1] === '-' ? -1 : 1;
    return sign * (Number(m[2]) * 60 + Number(m[3] ?? 0));
  };
  // The offset at the guessed instant, corrected once (a DST change between the two is hours away).
  const first = offsetMinutes(guess);
  const offset = offsetMinutes(new Date(guess.getTime() - first * 60_000));
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${date}T${time}:00${sign}${hh}:${mm}`;
}

export interface Problem {
  path: string;
  message: string;
}

/** What a staff edit of a session may hold; the service turns problems into VALIDATION_FAILED. */
export function sessionProblems(
  s: Omit<CourseSessionDef, 'id' | 'status'> & { status?: string },
  liveSkus: ReadonlySet<string>,
  instructors: ReadonlySet<string>,
): Problem[] {
  const out: Problem[] = [];
  if (!liveSkus.has(s.sku)) out.push({ path: '/sku', message: `${s.sku} is not a live workshop` });
  if (!isCalendarDate(s.startsOn)) out.push({ path: '/startsOn', message: 'Use a date, YYYY-MM-DD.' });
  if (!isCalendarDate(s.endsOn)) out.push({ path: '/endsOn', message: 'Use a date, YYYY-MM-DD.' });
  else if (isCalendarDate(s.startsOn) && s.endsOn < s.startsOn)
    out.push({ path: '/endsOn', message: 'Ends before it starts.' });
  if (s.dailyEnd <= s.dailyStart) out.push({ path: '/dailyEnd', message: 'Ends before it starts.' });
  if (!isTimeZone(s.timeZone)) out.push({ path: '/timeZone', message: 'Use an IANA time zone.' });
  if (s.capacity !== null && s.seatsTaken > s.capacity) {
    out.push({ path: '/seatsTaken', message: 'More seats taken than the capacity.' });
  }
  if (s.instructorKey !== null && !instructors.has(s.instructorKey)) {
    out.push({ path: '/instructorKey', message: `No instructor ${s.instructorKey}.` });
  }
  if (s.status !== undefined && s.status !== 'scheduled' && s.status !== 'cancelled') {
    out.push({ path: '/status', message: 'Use scheduled or cancelled.' });
  }
  return out;
}
