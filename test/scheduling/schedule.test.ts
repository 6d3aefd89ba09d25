/**
 * Schedule computation with fixed clocks in Europe/Brussels, across the 2027 daylight-saving
 * changes: clocks go forward on Sunday 28 March (02:00 → 03:00, +01:00 → +02:00) and back on
 * Sunday 31 October (03:00 → 02:00, +02:00 → +01:00). Times are shown in local time with offset.
 */
import { DateTime } from "luxon";
import { describe, expect, test } from "vitest";
import {
  type ProgrammeSchedule,
  parseProgrammeSchedule,
  ScheduleSettingsError,
} from "../../src/scheduling/programme-schedule.ts";
import {
  checkInTimes,
  endOfQuietHours,
  idleNudgeTimes,
  isQuiet,
  reminderTimes,
  startOfQuietHours,
} from "../../src/scheduling/schedule.ts";

const zone = "Europe/Brussels";
const schedule = parseProgrammeSchedule({}, zone);
const withSettings = (settings: object) => parseProgrammeSchedule(settings, zone);
const local = (iso: string) => {
  const at = DateTime.fromISO(iso, { zone });
  if (!at.isValid) throw new Error(`bad test time ${iso}`);
  return at.toJSDate();
};
const shown = (d: Date) => DateTime.fromJSDate(d, { zone }).toFormat("yyyy-MM-dd HH:mm ZZ");
const longAgo = new Date("2027-01-01T00:00:00Z");
const reminders = (at: string, s: ProgrammeSchedule = schedule, now = longAgo) =>
  reminderTimes(local(at), s, now).map((r) => `${r.offset} ${shown(r.dueAt)}`);

describe("reminders (defaults: P1D and PT2H, quiet 21:00–08:00)", () => {
  test.each([
    [
      "Monday after the spring change, 10:00",
      "2027-03-29T10:00",
      ["P1D 2027-03-28 10:00 +02:00", "PT2H 2027-03-29 08:00 +02:00"],
    ],
    [
      "the spring-change Sunday, 09:00: P1D is Saturday 09:00 in winter time; 2 h before is 07:00, quiet, so 08:00",
      "2027-03-28T09:00",
      ["P1D 2027-03-27 09:00 +01:00", "PT2H 2027-03-28 08:00 +02:00"],
    ],
    [
      "the day after the autumn change, 08:30: 2 h before is 06:30, quiet, so 08:00",
      "2027-11-01T08:30",
      ["P1D 2027-10-31 08:30 +01:00", "PT2H 2027-11-01 08:00 +01:00"],
    ],
    [
      "08:15: 2 h before is 06:15, the end of quiet hours (08:00) is still before it",
      "2027-11-01T08:15",
      ["P1D 2027-10-31 08:15 +01:00", "PT2H 2027-11-01 08:00 +01:00"],
    ],
    [
      "08:00: the end of quiet hours is the appointment itself, so 21:00 the evening before",
      "2027-11-01T08:00",
      ["P1D 2027-10-31 08:00 +01:00", "PT2H 2027-10-31 21:00 +01:00"],
    ],
    [
      "07:30, inside quiet hours: P1D 07:30 moves to 08:00 that Sunday; PT2H to 21:00 the evening before",
      "2027-11-01T07:30",
      ["P1D 2027-10-31 08:00 +01:00", "PT2H 2027-10-31 21:00 +01:00"],
    ],
    [
      "the autumn-change Sunday, 15:00: the day before is still summer time",
      "2027-10-31T15:00",
      ["P1D 2027-10-30 15:00 +02:00", "PT2H 2027-10-31 13:00 +01:00"],
    ],
    [
      "23:00: P1D (23:00 the day before) moves to 08:00 that day; PT2H is 21:00, quiet, its own start",
      "2027-05-10T23:00",
      ["P1D 2027-05-10 08:00 +02:00", "PT2H 2027-05-10 21:00 +02:00"],
    ],
  ])("%s", (_what, at, expected) => {
    expect(reminders(at)).toEqual(expected);
  });

  test("in UTC: Monday 29 March 10:00 is 08:00Z; P1D is Sunday 08:00Z (24 h), PT2H Monday 06:00Z", () => {
    const times = reminderTimes(local("2027-03-29T10:00"), schedule, longAgo);
    expect(times.map((r) => r.dueAt.toISOString())).toEqual([
      "2027-03-28T08:00:00.000Z",
      "2027-03-29T06:00:00.000Z",
    ]);
    const sunday = reminderTimes(local("2027-03-28T09:00"), schedule, longAgo);
    expect(sunday.map((r) => r.dueAt.toISOString())).toEqual([
      "2027-03-27T08:00:00.000Z",
      "2027-03-28T06:00:00.000Z",
    ]);
  });

  test.each([
    [
      "spring: 23 real hours",
      "2027-03-28T10:00",
      ["PT24H 2027-03-27 09:00 +01:00", "P1D 2027-03-27 10:00 +01:00"],
    ],
    [
      "autumn: 25 real hours",
      "2027-10-31T10:00",
      ["P1D 2027-10-30 10:00 +02:00", "PT24H 2027-10-30 11:00 +02:00"],
    ],
  ])("a 1-day offset keeps the wall clock, a 24-hour offset is exact (%s)", (_what, at, expected) => {
    expect(reminders(at, withSettings({ reminderOffsets: ["PT24H", "P1D"], quietHours: null }))).toEqual(
      expected,
    );
  });

  test("a week before keeps the wall clock across the spring change; P1DT2H is days first, then hours", () => {
    const s = withSettings({ reminderOffsets: ["P1W", "P1DT2H"], quietHours: null });
    expect(reminders("2027-04-02T10:00", s)).toEqual([
      "P1W 2027-03-26 10:00 +01:00",
      "P1DT2H 2027-04-01 08:00 +02:00",
    ]);
  });

  test.each([
    ["07:00, P1D already past", "2027-03-29T07:00", ["PT2H 2027-03-29 08:00 +02:00"]],
    ["08:00, PT2H due right now", "2027-03-29T08:00", ["PT2H 2027-03-29 08:00 +02:00"]],
    ["08:01, both past", "2027-03-29T08:01", []],
  ])("reminders already past are dropped (now %s)", (_what, now, expected) => {
    expect(reminders("2027-03-29T10:00", schedule, local(now))).toEqual(expected);
  });

  test("an appointment at 07:30 set at 22:00 the evening before gets no reminder: 21:00 is past", () => {
    expect(reminders("2027-11-01T07:30", schedule, local("2027-10-31T22:00"))).toEqual([]);
  });

  test.each([[["PT3H", "PT2H"]], [["PT2H", "PT3H"]]])(
    "two offsets on the same time keep one, the larger (%j)",
    (offsets) => {
      // 09:00 appointment: 06:00 and 07:00 are both quiet and both move to 08:00.
      expect(reminders("2027-05-10T09:00", withSettings({ reminderOffsets: offsets }))).toEqual([
        "PT3H 2027-05-10 08:00 +02:00",
      ]);
    },
  );

  test("quiet hours that do not wrap midnight (13:00–14:00)", () => {
    const s = withSettings({
      reminderOffsets: ["PT2H", "PT30M"],
      quietHours: { start: "13:00", end: "14:00" },
    });
    // 15:30: PT2H is 13:30 → 14:00; PT30M is 15:00, not quiet.
    expect(reminders("2027-05-10T15:30", s)).toEqual([
      "PT2H 2027-05-10 14:00 +02:00",
      "PT30M 2027-05-10 15:00 +02:00",
    ]);
    // 13:50: PT30M is 13:20 → 14:00 is after the appointment → 13:00. Late evening is not quiet.
    expect(reminders("2027-05-10T13:50", s)).toEqual([
      "PT2H 2027-05-10 11:50 +02:00",
      "PT30M 2027-05-10 13:00 +02:00",
    ]);
    expect(reminders("2027-05-11T01:00", s)).toEqual([
      "PT2H 2027-05-10 23:00 +02:00",
      "PT30M 2027-05-11 00:30 +02:00",
    ]);
  });

  test("no quiet hours (null): nothing moves", () => {
    expect(reminders("2027-11-01T07:30", withSettings({ quietHours: null }))).toEqual([
      "P1D 2027-10-31 07:30 +01:00",
      "PT2H 2027-11-01 05:30 +01:00",
    ]);
  });
});

describe("quiet hours", () => {
  const night = { start: "21:00", end: "08:00" };
  const lunch = { start: "13:00", end: "14:00" };

  test.each([
    [night, "20:59", false],
    [night, "21:00", true],
    [night, "23:30", true],
    [night, "00:00", true],
    [night, "07:59", true],
    [night, "08:00", false],
    [lunch, "12:59", false],
    [lunch, "13:00", true],
    [lunch, "13:59", true],
    [lunch, "14:00", false],
    [lunch, "23:30", false],
    [null, "03:00", false],
  ])("%j at %s: quiet %s", (quiet, clock, expected) => {
    expect(isQuiet(local(`2027-05-10T${clock}`), quiet, zone)).toBe(expected);
  });

  test.each([
    [night, "2027-05-10T23:00", "2027-05-11 08:00 +02:00", "2027-05-10 21:00 +02:00"],
    [night, "2027-05-11T05:00", "2027-05-11 08:00 +02:00", "2027-05-10 21:00 +02:00"],
    [night, "2027-05-10T12:00", "2027-05-10 12:00 +02:00", "2027-05-10 12:00 +02:00"],
    [lunch, "2027-05-10T13:30", "2027-05-10 14:00 +02:00", "2027-05-10 13:00 +02:00"],
    // Over the spring change: 21:00 winter time to 08:00 summer time.
    [night, "2027-03-28T01:30", "2027-03-28 08:00 +02:00", "2027-03-27 21:00 +01:00"],
  ])("%j around %s: ends %s, started %s", (quiet, at, end, start) => {
    expect(shown(endOfQuietHours(local(at), quiet, zone))).toBe(end);
    expect(shown(startOfQuietHours(local(at), quiet, zone))).toBe(start);
  });
});

describe("check-ins", () => {
  test("a placement starting Friday 26 March 2027: that evening, then 10:00 local after a week and 1, 3 and 6 months", () => {
    expect(checkInTimes("2027-03-26", schedule, longAgo).map((c) => `${c.point} ${shown(c.dueAt)}`)).toEqual([
      "first_day 2027-03-26 18:00 +01:00",
      "week_1 2027-04-02 10:00 +02:00",
      "month_1 2027-04-26 10:00 +02:00",
      "month_3 2027-06-26 10:00 +02:00",
      "month_6 2027-09-26 10:00 +02:00",
    ]);
  });

  test("past points are returned too (the caller decides); a month after 31 January is 28 February", () => {
    const times = checkInTimes("2027-01-31", schedule, local("2027-06-01T12:00"));
    expect(times.map((c) => `${c.point} ${shown(c.dueAt)}`)).toEqual([
      "first_day 2027-01-31 18:00 +01:00",
      "week_1 2027-02-07 10:00 +01:00",
      "month_1 2027-02-28 10:00 +01:00",
      "month_3 2027-04-30 10:00 +02:00",
      "month_6 2027-07-31 10:00 +02:00",
    ]);
  });

  test("a check-in inside quiet hours moves to their end", () => {
    const s = withSettings({ quietHours: { start: "17:00", end: "09:00" } });
    expect(shown(checkInTimes("2027-03-26", s, longAgo)[0]?.dueAt ?? new Date(Number.NaN))).toBe(
      "2027-03-27 09:00 +01:00",
    );
  });

  test("a start date that is not yyyy-mm-dd is refused", () => {
    expect(() => checkInTimes("26/03/2027", schedule, longAgo)).toThrow(RangeError);
    expect(() => checkInTimes("2027-02-30", schedule, longAgo)).toThrow(RangeError);
  });
});

describe("idle nudges (24 h and 72 h, exact)", () => {
  test.each([
    [
      "a quiet afternoon: nothing moves",
      "2027-05-10T15:00",
      ["2027-05-11 15:00 +02:00", "2027-05-13 15:00 +02:00"],
    ],
    [
      "at 23:00: each falls at 23:00 and waits until 08:00",
      "2027-05-10T23:00",
      ["2027-05-12 08:00 +02:00", "2027-05-14 08:00 +02:00"],
    ],
    [
      "over the spring change: 24 real hours is 16:00 summer time",
      "2027-03-27T15:00",
      ["2027-03-28 16:00 +02:00", "2027-03-30 16:00 +02:00"],
    ],
    [
      "over the autumn change: 24 real hours is 14:00 winter time",
      "2027-10-30T15:00",
      ["2027-10-31 14:00 +01:00", "2027-11-02 14:00 +01:00"],
    ],
  ])("%s", (_what, last, expected) => {
    expect(idleNudgeTimes(local(last), schedule).map(shown)).toEqual(expected);
  });
});

describe("programme settings", () => {
  test.each([[{}], [null], [undefined]])("defaults for %j", (settings) => {
    expect(parseProgrammeSchedule(settings, zone)).toEqual({
      timeZone: zone,
      reminderOffsets: ["P1D", "PT2H"],
      quietHours: { start: "21:00", end: "08:00" },
      checkIns: [
        { point: "first_day", at: "evening" },
        { point: "week_1", after: "P1W" },
        { point: "month_1", after: "P1M" },
        { point: "month_3", after: "P3M" },
        { point: "month_6", after: "P6M" },
      ],
      idleNudges: ["PT24H", "PT72H"],
      legalAccessMonths: 4,
    });
  });

  test("a programme's own values win; unknown keys are ignored", () => {
    const s = parseProgrammeSchedule(
      {
        timeZone: "Europe/Bucharest",
        reminderOffsets: ["P2D"],
        quietHours: null,
        checkIns: [{ point: "week_2", after: "P2W" }],
        idleNudges: ["PT12H"],
        legalAccessMonths: 6,
        welcomeBanner: "ignored",
      },
      zone,
    );
    expect(s).toEqual({
      timeZone: "Europe/Bucharest",
      reminderOffsets: ["P2D"],
      quietHours: null,
      checkIns: [{ point: "week_2", after: "P2W" }],
      idleNudges: ["PT12H"],
      legalAccessMonths: 6,
    });
  });

  test.each([
    [
      { reminderOffsets: ["P1D", "two hours"] },
      "settings.reminderOffsets[1]",
      "an ISO-8601 duration such as PT2H",
    ],
    [{ reminderOffsets: ["-PT2H"] }, "settings.reminderOffsets[0]", "an ISO-8601 duration such as PT2H"],
    [{ reminderOffsets: ["P1.5D"] }, "settings.reminderOffsets[0]", "an ISO-8601 duration such as PT2H"],
    [
      { reminderOffsets: ["PT0H"] },
      "settings.reminderOffsets[0]",
      "a duration longer than zero, such as PT2H",
    ],
    [
      { reminderOffsets: "P1D" },
      "settings.reminderOffsets",
      'a list of ISO-8601 durations such as ["P1D", "PT2H"]',
    ],
    [
      { quietHours: { start: "9pm", end: "08:00" } },
      "settings.quietHours.start",
      "a local time such as 21:00",
    ],
    [{ quietHours: { start: "21:00" } }, "settings.quietHours.end", "a local time such as 21:00"],
    [
      { quietHours: { start: "08:00", end: "08:00" } },
      "settings.quietHours",
      "start and end must differ (null means no quiet hours)",
    ],
    [{ timeZone: "Europe/Brusel" }, "settings.timeZone", "an IANA time zone such as Europe/Brussels"],
    [
      { checkIns: [{ point: "Week 1", after: "P1W" }] },
      "settings.checkIns[0].point",
      "a short code such as month_1",
    ],
    [
      { checkIns: [{ point: "week_1", after: "PT36H" }] },
      "settings.checkIns[0].after",
      "days, weeks, months or years as an ISO-8601 duration such as P1M",
    ],
    [
      { checkIns: [{ point: "first_day", at: "morning" }] },
      "settings.checkIns[0].at",
      '"evening" (18:00 local on the start date)',
    ],
    [
      { checkIns: [{ point: "first_day" }] },
      "settings.checkIns[0]",
      'either "at": "evening" or "after": a duration such as P1M (one of the two)',
    ],
    [
      {
        checkIns: [
          { point: "week_1", after: "P1W" },
          { point: "week_1", after: "P2W" },
        ],
      },
      "settings.checkIns[1].point",
      '"week_1" appears twice',
    ],
    [{ idleNudges: ["24h"] }, "settings.idleNudges[0]", "an ISO-8601 duration such as PT2H"],
    [{ legalAccessMonths: "four" }, "settings.legalAccessMonths", "a whole number of months from 0 to 24"],
    [{ legalAccessMonths: 4.5 }, "settings.legalAccessMonths", "a whole number of months from 0 to 24"],
    [{ legalAccessMonths: -1 }, "settings.legalAccessMonths", "a whole number of months from 0 to 24"],
    ["P1D", "settings", "an object of programme settings"],
    [[], "settings", "an object of programme settings"],
  ])("%j is refused, naming %s", (settings, path, problem) => {
    let error: unknown;
    try {
      parseProgrammeSchedule(settings, zone);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ScheduleSettingsError);
    expect(error).toMatchObject({ path, problem, message: `${path}: ${problem}` });
  });
});
