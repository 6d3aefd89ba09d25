/**
 * Why a client matches a vacancy, or why not, as message parts a counsellor reads in their own
 * language ("available on weekends · speaks Dutch: good 🙂 · legal access to work from
 * 15 February") instead of codes (`weekends_fit`). Pure: the vacancy's needs, the client's
 * answers and the match result in; `console.match_*` outputs out, rendered by i18n/render.ts.
 */
import type { Answer, Output } from "../../engine/types.ts";
import type { Candidate, Exclusion, MatchResult, Reason, VacancyNeeds } from "./matching.ts";

const code = (prefix: string, value: string): Output => ({ key: `counsellor.code_${prefix}_${value}` });
const list = (value: Answer | undefined): string[] => (Array.isArray(value) ? value.map(String) : []);
const LEVEL_FACE: Record<string, string> = { none: "", basic: "🙂", good: "🙂", fluent: "😀" };

/** The language the vacancy needs, with the client's level of it ("Dutch: good 🙂"). */
function languageNote(key: string, needs: VacancyNeeds, answers: Record<string, Answer>): Output {
  const dutch = needs.dutchLevel !== undefined;
  const level = String((dutch ? answers.dutch_level : answers.french_level) ?? "none");
  return {
    key,
    params: { face: LEVEL_FACE[level] ?? "" },
    lists: { language: [code("languages", dutch ? "dutch" : "french")], level: [code("level", level)] },
  };
}

function reasonNote(reason: Reason, needs: VacancyNeeds, candidate: Candidate): Output {
  const a = candidate.answers;
  const key = `console.match_${reason}`;
  switch (reason) {
    case "interest":
    case "experience":
      return { key, lists: { sector: [code("interests", needs.sector)] } };
    case "hours_fit":
      return { key, lists: { hours: [code("hours", String(a.hours ?? needs.hours))] } };
    case "shifts_fit":
      return {
        key,
        lists: {
          shifts: list(a.shifts)
            .filter((s) => needs.shifts.includes(s as "day"))
            .map((s) => code("shifts", s)),
        },
      };
    case "language_fit":
      return languageNote(key, needs, a);
    case "transport_fit":
      return { key, lists: { transport: list(a.transport).map((t) => code("transport", t)) } };
    default:
      return { key };
  }
}

function exclusionNote(exclusion: Exclusion, needs: VacancyNeeds, candidate: Candidate): Output {
  const a = candidate.answers;
  const key = `console.match_not_${exclusion}`;
  switch (exclusion) {
    case "no_legal_access_yet":
      return { key, params: { date: candidate.legalAccessDate ?? "" }, dateParams: ["date"] };
    case "language_too_low":
      return languageNote(key, needs, a);
    case "no_driving_licence":
      return { key, params: { category: needs.drivingLicence ?? "" } };
    case "hours_do_not_fit":
      return { key, lists: { hours: [code("hours", String(a.hours ?? "either"))] } };
    default:
      return { key };
  }
}

/** The notes for one result: its reasons, or its exclusions; and an applicant's legal access date. */
export function matchNotes(needs: VacancyNeeds, candidate: Candidate, result: MatchResult): Output[] {
  if (!result.included) return result.exclusions.map((e) => exclusionNote(e, needs, candidate));
  const notes = result.reasons.map((r) => reasonNote(r, needs, candidate));
  if (candidate.answers.residence === "applicant" && candidate.legalAccessDate)
    notes.push({
      key: "console.match_legal_access_since",
      params: { date: candidate.legalAccessDate },
      dateParams: ["date"],
    });
  return notes;
}
