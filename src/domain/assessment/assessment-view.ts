/**
 * A self-assessment as a counsellor reads it: the stored answers (codes) turned into labelled
 * lines in nl, fr or en (`locales/<lng>/counsellor.json`), grouped in sections, in the order the
 * flow asked them, followed by the readiness profile. Pure: no database, no clock.
 */
import type { Answer, FlowDefinition, QuestionStep, Step } from "../../engine/types.ts";
import type { Translator } from "../../i18n/translator.ts";
import type { Readiness } from "./readiness.ts";

/** One labelled line: `Verblijfsstatus: Verzoeker om internationale bescherming`. */
export interface ViewLine {
  label: string;
  value: string;
}

/** A titled group of lines. */
export interface ViewSection {
  title: string;
  lines: ViewLine[];
}

/** The whole view: the answers by section, then the readiness profile. */
export interface AssessmentView {
  sections: ViewSection[];
  readiness: ViewSection;
}

/** What the view needs from the translator. */
export type ViewTranslator = Pick<Translator, "t" | "formatDate">;

/** Which section each answer belongs to (`counsellor.section_<name>`). */
export const ANSWER_SECTIONS: Readonly<Record<string, string>> = {
  residence: "situation",
  application_date: "situation",
  housing: "situation",
  place: "situation",
  transport: "situation",
  driving_licence: "situation",
  licence_categories: "situation",
  childcare_needed: "preconditions",
  health_limits: "preconditions",
  housing_stable: "preconditions",
  urgent_money: "preconditions",
  languages: "languages",
  dutch_level: "languages",
  french_level: "languages",
  english_level: "languages",
  elementary_school: "education",
  secondary: "education",
  vocational: "education",
  diploma_recognised: "education",
  experience: "experience",
  experience_years: "experience",
  experience_where: "experience",
  interests: "interests",
  hours: "availability",
  shifts: "availability",
  weekends: "availability",
  start_when: "availability",
  motivation: "motivation",
};

/** Answers whose choices share the `code_level_<code>` labels. */
const LEVEL_ANSWERS: ReadonlySet<string> = new Set(["dutch_level", "french_level", "english_level"]);

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Builds the view of one assessment in `locale`. Every question of the flow gets a line, answered
 * or not; a question missing from ANSWER_SECTIONS joins the section of the question before it.
 */
export function assessmentView(input: {
  flow: FlowDefinition;
  answers: Readonly<Record<string, Answer>>;
  readiness: Readiness;
  translator: ViewTranslator;
  locale: string;
}): AssessmentView {
  const { flow, answers, readiness, translator, locale } = input;
  const label = labeller(translator, locale);
  const sections = new Map<string, ViewLine[]>();
  let section = "situation";
  for (const step of flow.steps.filter(isQuestion)) {
    const name = step.save ?? step.id;
    section = ANSWER_SECTIONS[name] ?? section;
    const lines = sections.get(section) ?? [];
    sections.set(section, lines);
    lines.push({
      label: label(`field_${name}`, name),
      value: answerText(step, name, answers, label, translator, locale),
    });
  }
  return {
    sections: [...sections].map(([name, lines]) => ({ title: label(`section_${name}`, name), lines })),
    readiness: readinessSection(readiness, label, translator, locale),
  };
}

/** `counsellor.<key>` in `locale`, or `fallback` when no language has the key. */
type Label = (key: string, fallback: string) => string;

function labeller(translator: ViewTranslator, locale: string): Label {
  return (key, fallback) => {
    const text = translator.t(`counsellor.${key}`, locale);
    return text === `counsellor.${key}` ? fallback : text;
  };
}

function isQuestion(step: Step): step is QuestionStep {
  return "prompt" in step;
}

/** The label key of one choice code of `answer` (code `other` is `_else`: `_other` is a plural form). */
function codeKey(answer: string, code: string): string {
  if (LEVEL_ANSWERS.has(answer)) return `code_level_${code}`;
  return `code_${answer}_${code === "other" ? "else" : code}`;
}

function answerText(
  step: QuestionStep,
  name: string,
  answers: Readonly<Record<string, Answer>>,
  label: Label,
  translator: ViewTranslator,
  locale: string,
): string {
  if (!Object.hasOwn(answers, name) || answers[name] === undefined) return label("not_answered", "—");
  const value = answers[name];
  if (value === null) return label("skipped", "skipped");
  if (typeof value === "boolean") return label(value ? "code_yes" : "code_no", String(value));
  if (typeof value === "number") return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return label("not_answered", "—");
    return value.map((code) => label(codeKey(name, code), code)).join(", ");
  }
  if (step.type === "choice" || step.type === "multi_choice") return label(codeKey(name, value), value);
  if (step.type === "date" && ISO_DATE.test(value)) return isoDate(value, translator, locale);
  return value;
}

/** An ISO calendar date in `locale` (noon UTC: the same day everywhere in Europe). */
function isoDate(value: string, translator: ViewTranslator, locale: string): string {
  return translator.formatDate(new Date(`${value}T12:00:00Z`), locale, "UTC") || value;
}

function readinessSection(
  readiness: Readiness,
  label: Label,
  translator: ViewTranslator,
  locale: string,
): ViewSection {
  const none = label("not_answered", "—");
  const lines: ViewLine[] = [];
  if (readiness.legalAccessDate || readiness.openPreconditions.includes("legal_access")) {
    lines.push({
      label: label("legal_access_date", "legal_access_date"),
      value: readiness.legalAccessDate ? isoDate(readiness.legalAccessDate, translator, locale) : none,
    });
  }
  const open = readiness.openPreconditions.map((code) => label(`code_precondition_${code}`, code));
  const sectors = readiness.sectors.map((code) => label(codeKey("interests", code), code));
  lines.push(
    { label: label("readiness_open", "readiness_open"), value: open.join(", ") || none },
    { label: label("readiness_sectors", "readiness_sectors"), value: sectors.join(", ") || none },
  );
  return { title: label("section_readiness", "readiness"), lines };
}
