import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { checkLocales } from "../../src/i18n/check.ts";
import { createTranslator } from "../../src/i18n/i18n.ts";
import { formatList, listRuleFor, parseListRule } from "../../src/i18n/list-format.ts";
import { renderOutputs } from "../../src/i18n/render.ts";
import type { Translator } from "../../src/i18n/translator.ts";
import { copyLocales, type LocalesFixture, REAL_LOCALES_DIR } from "./locales-fixture.ts";

describe("formatList", () => {
  it("joins in each language's way (Intl.ListFormat)", () => {
    expect(formatList(["a", "b", "c"], "ro")).toBe("a, b și c");
    expect(formatList(["a", "b", "c"], "nl")).toBe("a, b en c");
    expect(formatList(["بطاقة الهوية", "جواز السفر", "الشهادة"], "ar")).toBe(
      "بطاقة الهوية وجواز السفر والشهادة",
    );
    expect(formatList(["a", "b"], "nl", "or")).toBe("a of b");
  });

  it("takes a language's own words when Intl has none (Romani)", () => {
    const own = { and: "thaj", or: "vaj" };
    expect(formatList(["a", "b", "c"], "rom", "and", own)).toBe("a, b thaj c");
    expect(formatList(["a", "b"], "rom", "or", own)).toBe("a vaj b");
  });

  it("never lends another language's word to one it does not know", () => {
    expect(formatList(["a", "b", "c"], "rom")).toBe("a, b, c");
  });

  it("leaves out empty items, and joins nothing to nothing", () => {
    expect(formatList(["a", "", "b"], "en")).toBe("a and b");
    expect(formatList(["", "a"], "ro")).toBe("a");
    expect(formatList([], "ar")).toBe("");
  });
});

describe("list rules in meta.json", () => {
  it("reads the words for and/or, and says what is wrong", () => {
    expect(parseListRule({ and: "thaj", or: "vaj" })).toEqual({ and: "thaj", or: "vaj" });
    expect(parseListRule({ and: "thaj" })).toMatch(/"and" and "or"/);
    expect(parseListRule("thaj")).toMatch(/must be an object/);
  });

  it("asks for a rule only where Intl has no list data", () => {
    expect(listRuleFor("ro", {})).toBeUndefined();
    expect(listRuleFor("rom", {})).toMatch(/add "list" to rom\/meta.json/);
  });

  let fixture: LocalesFixture | undefined;
  afterEach(() => fixture?.cleanup());

  it("the locale check fails when Romani loses its list words", () => {
    fixture = copyLocales();
    fixture.edit("rom/meta.json", (meta) => {
      delete meta.list;
    });
    expect(checkLocales(fixture.dir).map((p) => `${p.file}: ${p.message}`)).toContainEqual(
      expect.stringMatching(/^rom\/meta.json: Intl has no list words for "rom"/),
    );
  });
});

describe("the translator and the renderer", () => {
  let translator: Translator;
  beforeAll(async () => {
    translator = await createTranslator({ localesDir: REAL_LOCALES_DIR });
  });

  it("formatList uses Romani's thaj/vaj from locales/rom/meta.json", () => {
    expect(translator.formatList(["a", "b", "c"], "rom")).toBe("a, b thaj c");
    expect(translator.formatList(["a", "b"], "rom", "or")).toBe("a vaj b");
    expect(translator.formatList(["a", "b"], "ro-RO")).toBe("a și b");
  });

  it("documents to bring are joined in the client's language", () => {
    const documents = ["identity_card", "passport", "bank_card"].map((code) => ({
      key: `appointments.document_${code}`,
    }));
    const line = (locale: string) =>
      renderOutputs([{ key: "appointments.bring_line", lists: { documents } }], locale, translator)[0]
        ?.message.text;
    expect(line("ro")).toBe("\n🎒 De adus: buletinul, pașaportul și cardul bancar");
    expect(line("rom")).toBe("\n🎒 An tusa: buletino, pasaporto thaj karta bankaki");
    expect(line("nl")).toContain(", ");
    expect(line("nl")).toMatch(/ en [^,]+$/);
    // Arabic: the list is one isolated value, its items joined by و with no Latin comma.
    expect(line("ar")).toContain("بطاقة الهوية وجواز السفر والبطاقة البنكية");
    expect(line("ar")).not.toContain(",");
  });
});
