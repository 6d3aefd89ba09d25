import { describe, expect, it } from "vitest";
import { intlPluralRule, parsePluralRule, pluralRuleFor } from "../../src/i18n/plural-rules.ts";

describe("parsePluralRule", () => {
  it("reads CLDR-style conditions in order, with other last", () => {
    const rule = parsePluralRule({
      one: "n = 1",
      few: "n = 0 or n % 100 = 2..19",
      other: "otherwise",
    });
    if (typeof rule === "string") throw new Error(rule);
    expect(rule.categories).toEqual(["one", "few", "other"]);
    expect([0, 1, 2, 19, 20, 102, 1.5].map((n) => rule.select(n))).toEqual([
      "few",
      "one",
      "few",
      "few",
      "other",
      "few",
      "other",
    ]);
  });

  it("explains what is wrong", () => {
    expect(parsePluralRule({ one: "n = 1" })).toMatch(/must end with "other": "otherwise"/);
    expect(parsePluralRule({ single: "n = 1", other: "otherwise" })).toMatch(/unknown category "single"/);
    expect(parsePluralRule({ one: "n is 1", other: "otherwise" })).toMatch(/cannot read the condition/);
    expect(parsePluralRule("one for 1")).toMatch(/must be an object/);
  });
});

describe("pluralRuleFor", () => {
  it("uses Intl (CLDR) where it has data, e.g. French one/many/other in this Node", () => {
    expect(intlPluralRule("fr")?.categories).toEqual(["one", "many", "other"]);
    expect(intlPluralRule("ar")?.categories).toEqual(["zero", "one", "two", "few", "many", "other"]);
  });

  it("asks for a rule in meta.json where Intl has none (Romani)", () => {
    expect(intlPluralRule("rom")).toBeUndefined();
    expect(pluralRuleFor("rom", {})).toMatch(/add "plural_rule"/);
    const rule = pluralRuleFor("rom", { plural_rule: { one: "n = 1", other: "otherwise" } });
    expect(typeof rule === "string" ? rule : rule.categories).toEqual(["one", "other"]);
  });
});
