/**
 * An organisation with two programmes, a counsellor and clients as the broadcast tests need
 * them: a language, a Telegram conversation (active, blocked, opted out, or none), a case with a
 * place, tags and a status. Chat ids are numeric, so the fake Telegram server can answer them.
 */
import { randomInt } from "node:crypto";
import { createCase } from "../../../src/domain/cases/cases.ts";
import { createCounsellor } from "../../../src/domain/organisations/counsellors.ts";
import { createOrganisation } from "../../../src/domain/organisations/organisations.ts";
import { createProgramme } from "../../../src/domain/organisations/programmes.ts";
import type { CaseStatus } from "../../../src/generated/prisma/client.ts";
import type { Db } from "../../../src/store/prisma.ts";
import { uid } from "../../support/db.ts";

export interface MemberSpec {
  locale: string;
  conversation?: "active" | "blocked" | "opted_out" | "none";
  programme?: "a" | "b";
  place?: string;
  tags?: string[];
  status?: CaseStatus;
}

export interface Member {
  caseId: string;
  clientId: string;
  conversationId: string | null;
  chatId: string;
  spec: MemberSpec;
}

export async function broadcastOrganisation(db: Db, specs: MemberSpec[]) {
  const s = uid();
  const organisation = await createOrganisation(db, { slug: `b-${s}`, name: `Broadcast org ${s}` });
  const programmes = {
    a: await createProgramme(db, { organisationSlug: organisation.slug, slug: `a-${s}`, name: "A" }),
    b: await createProgramme(db, { organisationSlug: organisation.slug, slug: `bb-${s}`, name: "B" }),
  };
  const counsellor = await createCounsellor(db, {
    organisationSlug: organisation.slug,
    name: "Counsellor",
    email: `c-${s}@example.org`,
    locale: "en",
  });
  const members: Member[] = [];
  for (const spec of specs) {
    const created = await createCase(db, {
      programmeSlug: programmes[spec.programme ?? "a"].slug,
      counsellorEmail: counsellor.email,
    });
    const client = await db.client.create({ data: { locale: spec.locale } });
    await db.case.update({
      where: { id: created.id },
      data: {
        clientId: client.id,
        status: spec.status ?? "intake",
        place: spec.place ?? null,
        tags: spec.tags ?? [],
      },
    });
    const chatId = String(randomInt(10_000_000, 2_000_000_000));
    let conversationId: string | null = null;
    const status = spec.conversation ?? "active";
    if (status !== "none") {
      const conversation = await db.conversation.create({
        data: {
          channel: "telegram",
          externalConversationId: chatId,
          externalUserId: chatId,
          clientId: client.id,
          locale: spec.locale,
          status,
        },
      });
      conversationId = conversation.id;
      await db.consent.create({
        data: {
          conversationId,
          clientId: client.id,
          noticeVersion: "t",
          decision: "accepted",
          channel: "telegram",
        },
      });
    }
    members.push({ caseId: created.id, clientId: client.id, conversationId, chatId, spec });
  }
  return { organisation, programmes, counsellor, members };
}
