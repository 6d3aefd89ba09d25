import { DateTime } from "luxon";
import { describe, expect, test } from "vitest";
import { matchChoice, parseDate, parseNumber, parseText, parseYesNo } from "../../src/engine/answers.ts";
import type { OutputChoice } from "../../src/engine/types.ts";

const choices: OutputChoice[] = [
  { id: "q:bike", label: "x.bike", emoji: "🚲" },
  { id: "q:bus", label: "x.bus", emoji: "🚌" },
  { id: "q:car", label: "x.car", emoji: "🚗" },
];
const labels: Record<string, string> = {
  "q:bike": "🚲 Bicicletă",
  "q:bus": "🚌 Autobuz",
  "q:car": "🚗 Mașină",
};
const labelText = (c: OutputChoice) => labels[c.id] ?? "";

describe("matchChoice", () => {
  test.each([
    ["a tapped id", { kind: "choice", choiceId: "q:bus" }, "q:bus"],
    ["a typed number", { kind: "text", text: "2" }, "q:bus"],
    ["a number with a dot", { kind: "text", text: "3." }, "q:car"],
    ["an Arabic-Indic digit", { kind: "text", text: "٢" }, "q:bus"],
    ["a keycap emoji", { kind: "text", text: "1️⃣" }, "q:bike"],
    ["the choice's emoji", { kind: "text", text: "🚗" }, "q:car"],
    ["the label without accents", { kind: "text", text: "masina" }, "q:car"],
    ["a label prefix", { kind: "text", text: "auto" }, "q:bus"],
  ] as const)("reads %s", (_what, input, expected) => {
    expect(matchChoice(input, choices, labelText)).toBe(expected);
  });

  test.each([
    ["a number out of range", "4"],
    ["zero", "0"],
    ["unrelated words", "maybe tomorrow"],
    ["an unknown emoji", "🚀"],
  ])("rejects %s", (_what, text) => {
    expect(matchChoice({ kind: "text", text }, choices, labelText)).toBeUndefined();
  });

  test("an id that was not offered is not a choice", () => {
    expect(matchChoice({ kind: "choice", choiceId: "q:train" }, choices)).toBeUndefined();
  });
});

describe("parseYesNo", () => {
  test.each(["yes", "Da", "ja", "oui", "نعم", "да", "va", "👍", "✅"])("%s is yes", (text) => {
    expect(parseYesNo(text)).toEqual({ ok: true, value: true });
  });
  test.each(["no", "nu", "nee", "non", "لا", "не", "na", "👎", "❌"])("%s is no", (text) => {
    expect(parseYesNo(text)).toEqual({ ok: true, value: false });
  });
  test("anything else is neither", () => {
    expect(parseYesNo("perhaps").ok).toBe(false);
  });
});

describe("parseNumber", () => {
  test("reads integers within the range, in Arabic-Indic digits too", () => {
    expect(parseNumber("12", 0, 50, true)).toEqual({ ok: true, value: 12 });
    expect(parseNumber("١٢", 0, 50, true)).toEqual({ ok: true, value: 12 });
  });
  test("rejects text, out-of-range and fractions when integers are asked", () => {
    expect(parseNumber("twelve", 0, 50, true).ok).toBe(false);
    expect(parseNumber("51", 0, 50, true).ok).toBe(false);
    expect(parseNumber("2,5", 0, 50, true).ok).toBe(false);
    expect(parseNumber("2,5", 0, 50, false)).toEqual({ ok: true, value: 2.5 });
  });
});

describe("parseDate", () => {
  const today = DateTime.fromISO("2026-11-23", { zone: "Europe/Brussels" });
  const months = [
    [
      "January",
      "February",
      "March",
      "April",
      "May",
      "June",
      "July",
      "August",
      "September",
      "October",
      "November",
      "December",
    ],
    [
      "ianuarie",
      "februarie",
      "martie",
      "aprilie",
      "mai",
      "iunie",
      "iulie",
      "august",
      "septembrie",
      "octombrie",
      "noiembrie",
      "decembrie",
    ],
  ];
  test.each([
    ["3/2/2025", "2025-02-03"],
    ["3.2.25", "2025-02-03"],
    ["03-02-2025", "2025-02-03"],
    ["2025-02-03", "2025-02-03"],
    ["3 februarie 2025", "2025-02-03"],
    ["3 februarie", "2026-02-03"],
    ["3 feb", "2026-02-03"],
    ["٣/٢/٢٠٢٥", "2025-02-03"],
  ])("reads %s", (text, iso) => {
    expect(parseDate(text, today, months)).toEqual({ ok: true, value: iso });
  });
  test.each(["31/2/2025", "tomorrow", "3 brumar 2025", "2025"])("rejects %s", (text) => {
    expect(parseDate(text, today, months).ok).toBe(false);
  });
});

describe("parseText", () => {
  test("trims, and refuses empty or overlong text", () => {
    expect(parseText("  hello ", 10)).toEqual({ ok: true, value: "hello" });
    expect(parseText("   ", 10)).toEqual({ ok: false });
    expect(parseText("x".repeat(11), 10)).toEqual({ ok: false, tooLong: true });
  });
});
