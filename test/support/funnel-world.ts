/** A small programme with people across the funnel, for the funnel's API and console tests. */
import { linkClient } from "../../src/domain/cases/client-linking.ts";
import { resolveInvite } from "../../src/domain/cases/invites.ts";
import type { Db } from "../../src/store/prisma.ts";
import { consentedClient, organisationWithCounsellor } from "../domain/fixtures.ts";

/** 12 consented (of 20 reached): 9 in preparation or later, 6 in training or later, 3 placed 4 months ago. */
export async function funnelWorld(db: Db) {
  const world = await organisationWithCounsellor(db, { withInviteCode: true });
  const caseIds: string[] = [];
  for (let i = 0; i < 12; i++) {
    const client = await consentedClient(db, {
      displayName: `Person ${i} Surname`,
      locale: i < 6 ? "ro" : "ar",
    });
    const link = await linkClient(db, {
      clientId: client.id,
      invite: await resolveInvite(db, world.programme.inviteCode),
    });
    if (!link.caseId) throw new Error("no case");
    caseIds.push(link.caseId);
    const status = i < 3 ? "lead" : i < 6 ? "preparation" : i < 9 ? "training" : "working";
    await db.case.update({ where: { id: link.caseId }, data: { status, reference: `REF-${i}` } });
    if (status === "working") {
      await db.placement.create({
        data: {
          caseId: link.caseId,
          employer: "Bakery",
          job: "baker",
          contractType: "cdd",
          startDate: new Date(Date.now() - 120 * 86_400_000),
        },
      });
    }
  }
  await db.programmeReach.create({
    data: { programmeId: world.programme.id, day: new Date(Date.now() - 30 * 86_400_000), count: 20 },
  });
  return { ...world, caseIds };
}
