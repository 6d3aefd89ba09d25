/**
 * The segment builder's form as browsers post it: one ticked box is a string, several a list;
 * empty texts are no texts; a fallback to a language still without a text is left out of the
 * preview (that language shows as missing) but passed on to the domain when sending, which
 * refuses it in its own words; nothing in the form makes the rest of it disappear.
 */
import { expect, test } from "vitest";
import { broadcastInputOf, parseBroadcastForm } from "../../src/console/broadcast-form.ts";

const sender = { organisationSlug: "org", counsellorEmail: "c@example.org" };

test("checkbox groups, texts and fallbacks become the domain's input", () => {
  const form = parseBroadcastForm({
    _csrf: "x",
    programme: "roma-at-work",
    language: ["ro", "rom", " "],
    text_ro: "  Atelier joi\r\nla 10.  ",
    text_ar: "",
    fallback_rom: "ro",
    fallback_ar: "bg",
    fallback_ro: "ro",
    when: "at",
    at: "2027-03-04T14:30",
    kind: "job_update",
  });
  expect(form.segment).toEqual({ programme: ["roma-at-work"], language: ["ro", "rom"] });
  expect(form.texts).toEqual({ ro: "Atelier joi\nla 10." });
  expect(form.fallbacks).toEqual({ rom: "ro", ar: "bg" });
  expect(broadcastInputOf(form, sender, "preview")).toMatchObject({
    kind: "job_update",
    at: "2027-03-04 14:30",
    fallbacks: { rom: "ro" },
  });
  expect(broadcastInputOf(form, sender, "create").fallbacks).toEqual({ rom: "ro", ar: "bg" });
  expect(broadcastInputOf({ ...form, when: "now" }, sender, "create")).not.toHaveProperty("at");
});

test("a text too long for a broadcast keeps the rest of the form (the domain says it is too long)", () => {
  const form = parseBroadcastForm({ programme: ["a", "b"], text_ro: "x".repeat(2000), kind: "nonsense" });
  expect(form.segment.programme).toEqual(["a", "b"]);
  expect(form.texts.ro).toHaveLength(2000);
  expect(form.kind).toBe("programme");
  expect(parseBroadcastForm(undefined)).toMatchObject({ segment: {}, texts: {}, when: "now" });
});
