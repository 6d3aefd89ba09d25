/**
 * What happens when a client finishes the self-assessment: the answers are stored as an
 * Assessment on their open case, the case moves from lead/intake to preparation, and the client
 * gets a short summary in their language (what is open, which work may fit, what happens next).
 */
import type { TurnFacts } from "../../conversation/turn-registry.ts";
import type { Answer, Output, VarValue } from "../../engine/types.ts";
import type { DbClient } from "../../store/prisma.ts";
import { computeReadiness, type Readiness } from "./readiness.ts";

export const SELF_ASSESSMENT_FLOW = "self_assessment";

/** Default months between lodging an application and legal access to work (a programme setting). */
export const DEFAULT_LEGAL_ACCESS_MONTHS = 4;

/** The run variables the self-assessment starts with, from the client's programme settings. */
export function assessmentVars(facts: TurnFacts): Record<string, VarValue> {
  const settings = (facts.clientId ? (facts.programme?.settings ?? {}) : {}) as {
    legalAccessMonths?: unknown;
  };
  const months =
    typeof settings.legalAccessMonths === "number" ? settings.legalAccessMonths : DEFAULT_LEGAL_ACCESS_MONTHS;
  return { legal_access_months: months };
}

/** Stores the assessment and returns the summary to send. Run inside the turn's transaction. */
export async function completeAssessment(
  tx: DbClient,
  input: {
    clientId: string;
    flowVersion: number;
    answers: Record<string, Answer>;
    vars: Record<string, VarValue>;
    today: string;
    labelOf: ChoiceLabel;
  },
): Promise<Output[]> {
  const legalAccessDate =
    typeof input.vars.legal_access_date === "string" ? input.vars.legal_access_date : null;
  const readiness = computeReadiness(input.answers, legalAccessDate, input.today);
  const openCase = await tx.case.findFirst({
    where: { clientId: input.clientId, status: { not: "closed" } },
    orderBy: { createdAt: "desc" },
    select: { id: true, status: true, programme: { select: { organisationId: true } } },
  });
  const assessment = await tx.assessment.create({
    data: {
      clientId: input.clientId,
      caseId: openCase?.id ?? null,
      flowId: SELF_ASSESSMENT_FLOW,
      flowVersion: input.flowVersion,
      answers: input.answers as object,
      legalAccessDate: readiness.legalAccessDate ? new Date(`${readiness.legalAccessDate}T00:00:00Z`) : null,
      readiness: readiness as object,
    },
  });
  if (openCase && (openCase.status === "lead" || openCase.status === "intake")) {
    await tx.case.update({ where: { id: openCase.id }, data: { status: "preparation" } });
  }
  await tx.auditEvent.create({
    data: {
      type: "assessment.completed",
      organisationId: openCase?.programme?.organisationId ?? null,
      actor: "client",
      subjectType: "assessment",
      subjectId: assessment.id,
      data: { caseId: openCase?.id ?? null, open: readiness.openPreconditions },
    },
  });
  return summary(readiness, input.labelOf);
}

/** The locale key of a choice's label, from the flow (e.g. interests + "kitchen_pastry"). */
export type ChoiceLabel = (answer: string, code: string) => string | undefined;

/** The client's summary, as outputs: what is open, which work may fit, what happens next. */
export function summary(readiness: Readiness, labelOf: ChoiceLabel): Output[] {
  const outputs: Output[] = [{ key: "assessment.summary_intro" }];
  if (readiness.ready) outputs.push({ key: "assessment.summary_ready" });
  else {
    const items: Output[] = readiness.openPreconditions.map((p) =>
      p === "legal_access" && readiness.legalAccessDate
        ? {
            key: `assessment.precondition_${p}`,
            params: { date: readiness.legalAccessDate },
            dateParams: ["date"],
          }
        : { key: `assessment.precondition_${p}`, ...(p === "legal_access" ? { params: { date: "?" } } : {}) },
    );
    outputs.push({ key: "assessment.summary_open", lists: { list: items } });
  }
  const sectors = readiness.sectors
    .map((code) => labelOf("interests", code))
    .filter((key): key is string => !!key)
    .map((key) => ({ key }));
  if (sectors.length) outputs.push({ key: "assessment.summary_sectors", lists: { list: sectors } });
  outputs.push({ key: "assessment.summary_next" });
  return outputs;
}
