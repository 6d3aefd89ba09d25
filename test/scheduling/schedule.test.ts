/** Schedule computation with fixed clocks, across the 2027 daylight-saving changes in Brussels. */
import { DateTime } from "luxon";
import { describe, expect, test } from "vitest";
import { parseProgrammeSchedule, ScheduleSettingsError } from "../../src/scheduling/programme-schedule.ts";
import { checkInTimes, idleNudgeTimes, isQuiet, reminderTimes } from "../../src/scheduling/schedule.ts";

const zone = "Europe/Brussels";
const schedule = parseProgrammeSchedule({}, zone);
const local = (iso: string) => DateTime.fromISO(iso, { zone }).toJSDate();
const shown = (d: Date) => DateTime.fromJSDate(d, { zone }).toFormat("yyyy-MM-dd HH:mm ZZ");
const now = new Date("2027-01-01T00:00:00Z");

describe("reminders", () => {
  test.each([
    [
      "Monday after the spring change, 10:00",
      "2027-03-29T10:00",
      ["P1D 2027-03-28 10:00 +02:00", "PT2H 2027-03-29 08:00 +02:00"],
    ],
    [
      "the spring-change Sunday, 09:00: 2 h before is quiet, moved to 08:00",
      "2027-03-28T09:00",
      ["P1D 2027-03-27 09:00 +01:00", "PT2H 2027-03-28 08:00 +02:00"],
    ],
    [
      "the day after the autumn change, 08:30",
      "2027-11-01T08:30",
      ["P1D 2027-10-31 08:30 +01:00", "PT2H 2027-11-01 08:00 +01:00"],
    ],
    [
      "an appointment inside quiet hours, 07:30: the 2 h reminder moves to the evening before",
      "2027-11-01T07:30",
      ["P1D 2027-10-31 08:00 +01:00", "PT2H 2027-10-31 21:00 +01:00"],
    ],
    [
      "the autumn-change Sunday, 15:00: the day before is still summer time",
      "2027-10-31T15:00",
      ["P1D 2027-10-30 15:00 +02:00", "PT2H 2027-10-31 13:00 +01:00"],
    ],
  ])("%s", (_what, at, expected) => {
    const times = reminderTimes(local(at), schedule, now).map((r) => `${r.offset} ${shown(r.dueAt)}`);
    expect(times).toEqual(expected);
  });

  test("a 24-hour offset is exact, a 1-day offset keeps the wall clock", () => {
    const s = parseProgrammeSchedule({ reminderOffsets: ["PT24H", "P1D"], quietHours: null }, zone);
    // Sunday 28 March 2027 10:00 summer time; the day before was winter time.
    const times = reminderTimes(local("2027-03-28T10:00"), s, now).map(
      (r) => `${r.offset} ${shown(r.dueAt)}`,
    );
    expect(times).toEqual(["PT24H 2027-03-27 09:00 +01:00", "P1D 2027-03-27 10:00 +01:00"]);
  });

  test("reminders already past are dropped", () => {
    const times = reminderTimes(local("2027-03-29T10:00"), schedule, local("2027-03-29T07:00"));
    expect(times.map((r) => r.offset)).toEqual(["PT2H"]);
  });

  test("two offsets on the same time keep one", () => {
    const s = parseProgrammeSchedule({ reminderOffsets: ["PT3H", "PT2H"] }, zone);
    // 09:00 appointment: 06:00 and 07:00 are both quiet and both move to 08:00.
    expect(reminderTimes(local("2027-05-10T09:00"), s, now).map((r) => r.offset)).toEqual(["PT3H"]);
  });

  test("quiet hours that do not wrap midnight", () => {
    const quiet = { start: "13:00", end: "14:00" };
    expect(isQuiet(local("2027-05-10T13:30"), quiet, zone)).toBe(true);
    expect(isQuiet(local("2027-05-10T14:00"), quiet, zone)).toBe(false);
    expect(isQuiet(local("2027-05-10T23:30"), { start: "21:00", end: "08:00" }, zone)).toBe(true);
  });
});

test("check-ins: the first evening, then 10:00 local after a week and 1, 3 and 6 months", () => {
  expect(checkInTimes("2027-03-26", schedule, now).map((c) => `${c.point} ${shown(c.dueAt)}`)).toEqual([
    "first_day 2027-03-26 18:00 +01:00",
    "week_1 2027-04-02 10:00 +02:00",
    "month_1 2027-04-26 10:00 +02:00",
    "month_3 2027-06-26 10:00 +02:00",
    "month_6 2027-09-26 10:00 +02:00",
  ]);
});

test("idle nudges after 24 h and 72 h of silence; one at night waits until 08:00", () => {
  expect(idleNudgeTimes(local("2027-03-27T23:00"), schedule).map(shown)).toEqual([
    "2027-03-29 08:00 +02:00",
    "2027-03-31 08:00 +02:00",
  ]);
  expect(idleNudgeTimes(local("2027-05-10T15:00"), schedule).map(shown)).toEqual([
    "2027-05-11 15:00 +02:00",
    "2027-05-13 15:00 +02:00",
  ]);
});

describe("programme settings", () => {
  test("defaults for {} and null", () => {
    for (const settings of [{}, null]) {
      expect(parseProgrammeSchedule(settings, zone)).toMatchObject({
        timeZone: zone,
        reminderOffsets: ["P1D", "PT2H"],
        quietHours: { start: "21:00", end: "08:00" },
        idleNudges: ["PT24H", "PT72H"],
        legalAccessMonths: 4,
      });
    }
  });

  test.each([
    [
      { reminderOffsets: ["P1D", "two hours"] },
      "settings.reminderOffsets[1]: an ISO-8601 duration such as PT2H",
    ],
    [{ quietHours: { start: "9pm", end: "08:00" } }, "settings.quietHours.start: a local time such as 21:00"],
    [{ timeZone: "Europe/Brusel" }, "settings.timeZone: an IANA time zone such as Europe/Brussels"],
  ])("%o is refused with the setting named", (settings, message) => {
    expect(() => parseProgrammeSchedule(settings, zone)).toThrow(ScheduleSettingsError);
    expect(() => parseProgrammeSchedule(settings, zone)).toThrow(message);
  });
});
