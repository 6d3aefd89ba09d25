/**
 * `/appointments` ("📅 My appointments" in the menu): the client's coming appointments, each as
 * its reminder with the answer buttons, so they can still say whether they come.
 */
import type { TurnContext } from "../../conversation/turn-registry.ts";
import { reminderMessage } from "./appointment-messages.ts";

/** At most this many, the nearest first. */
const SHOWN = 5;

export async function appointmentsCommand(ctx: TurnContext): Promise<void> {
  const clientId = ctx.consented ? ctx.target.clientId : null;
  const coming = clientId
    ? await ctx.db.appointment.findMany({
        where: {
          status: "scheduled",
          startsAt: { gt: ctx.now },
          case: { clientId, status: { not: "closed" } },
        },
        include: { case: { select: { programme: { select: { timezone: true } } } } },
        orderBy: { startsAt: "asc" },
        take: SHOWN,
      })
    : [];
  if (!coming.length) return ctx.reply({ key: "appointments.mine_none" });
  ctx.reply({ key: "appointments.mine_header" });
  for (const appointment of coming) {
    ctx.reply(reminderMessage(appointment, appointment.case.programme?.timezone ?? ctx.timeZone));
  }
}
