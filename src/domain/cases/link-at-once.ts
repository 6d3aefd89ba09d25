/**
 * `link_case` for the most common onboarding — a person who came without a code consents — as
 * parts of the turn's one statement (conversation/turn-write.ts) instead of the transaction: a
 * lead case in the default-intake programme and its `client.linked` audit event, the same rows
 * linkClient writes (client-linking.ts). Everything else — a code to resolve, a client who
 * existed before this turn (who may be in a case already), no default intake (the client is
 * forgotten) — is left to the transaction (undefined).
 */
import { randomUUID } from "node:crypto";
import type { EffectPartsHandler } from "../../conversation/turn-registry.ts";
import { readRows } from "../../store/sql-read.ts";
import { DEFAULT_INTAKE_SQL, type IntakeProgramme } from "./client-linking.ts";

export const linkCaseAtOnce: EffectPartsHandler<"link_case"> = async (read, target, _effect, p, tag) => {
  if (!target.clientId) return { parts: [] }; // as linkCase: nobody to link
  if (typeof target.vars.invite_code === "string") return undefined;
  // Only a client made in this very turn: its row is not written yet, so no case can hold it.
  const [intake] = await readRows<IntakeProgramme & { known: boolean }>(
    read,
    `SELECT p.*, EXISTS (SELECT 1 FROM "Client" WHERE id = $1) AS known FROM (${DEFAULT_INTAKE_SQL}) p`,
    [target.clientId],
  );
  if (!intake || intake.known) return undefined;
  const [caseId, now] = [p.add(randomUUID(), "text"), p.add(new Date(), "timestamp")];
  const lead = `INSERT INTO "Case" (id, "clientId", "programmeId", status, "linkedAt", "createdAt", "updatedAt")
    VALUES (${caseId}, ${p.add(target.clientId, "text")}, ${p.add(intake.id, "text")}, 'lead', ${now}, ${now}, ${now})`;
  const audit = `INSERT INTO "AuditEvent" (type, "organisationId", actor, "subjectType", "subjectId", data, at)
    VALUES ('client.linked', ${p.add(intake.organisationId, "text")}, 'client', 'case', ${caseId},
            ${p.add(JSON.stringify({ kind: "default-intake-lead" }), "jsonb")}, ${now})`;
  return {
    parts: [
      { name: `${tag}_lead`, sql: lead },
      { name: `${tag}_audit`, sql: audit },
    ],
    programme: { timeZone: intake.timezone, settings: intake.settings },
  };
};
