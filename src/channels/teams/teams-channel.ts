/**
 * The Teams channel: botbuilder's CloudAdapter with our authentication (teams-auth.ts) at
 * `POST /api/messages`, our activity reading (activities.ts) and a ChannelSender (sender.ts).
 *
 * botbuilder is archived upstream (no fixes after 2025); its successor, @microsoft/agents-hosting,
 * keeps the CloudAdapter/ActivityHandler shape. Every botbuilder import stays in this folder
 * (test/channels/teams/layering.test.ts checks it), so moving is a change of this folder only.
 */
import { type Activity, CloudAdapter, TurnContext } from "botbuilder";
import type { FastifyInstance } from "fastify";
import type { Logger } from "../../logger.ts";
import type { Db } from "../../store/prisma.ts";
import type { ChannelSender, InboundHandler } from "../types.ts";
import { activitySchema, interpretActivity, tenantOf } from "./activities.ts";
import { markUninstalled } from "./installation.ts";
import { expressStyleResponse } from "./reply-shim.ts";
import { createTeamsSender } from "./sender.ts";
import { createTeamsAuthentication, type TeamsAuthOptions } from "./teams-auth.ts";

export const TEAMS_MESSAGES_PATH = "/api/messages";

export interface TeamsChannelOptions extends TeamsAuthOptions {
  db: Db;
  onInbound: InboundHandler;
  logger: Logger;
}

export interface TeamsChannel {
  readonly sender: ChannelSender;
  /** Adds POST /api/messages to `app`. */
  registerRoute(app: FastifyInstance): void;
}

/** Builds the Teams channel; nothing touches the network until a request or a send. */
export function createTeamsChannel(options: TeamsChannelOptions): TeamsChannel {
  const log = options.logger.child({ channel: "teams" });
  const adapter = new CloudAdapter(createTeamsAuthentication(options, log));

  async function onTurn(context: TurnContext) {
    const activity = activitySchema.parse(context.activity);
    // With the parsed activity's names: normalised (a NUL would make the jsonb refuse it).
    const { from, recipient, conversation } = context.activity;
    const reference = TurnContext.getConversationReference({
      ...context.activity,
      from: { ...from, name: activity.from.name },
      recipient: { ...recipient, name: activity.recipient.name },
      conversation: { ...conversation, name: activity.conversation.name },
    } as Partial<Activity>);
    const meaning = interpretActivity(activity, reference, new Date());
    if (meaning.kind === "ignored") {
      log.debug({ type: activity.type, why: meaning.why }, "teams activity ignored");
      return;
    }
    if (meaning.kind === "uninstalled") {
      await markUninstalled(options.db, meaning.externalConversationId);
      log.info({ type: activity.type }, "teams: bot removed, conversation blocked");
      return;
    }
    await options.onInbound({ ...meaning.message, ...tenant(activity) });
  }

  return {
    sender: createTeamsSender(adapter, options.appId),
    registerRoute(app) {
      app.post(TEAMS_MESSAGES_PATH, async (request, reply) => {
        const parsed = activitySchema.safeParse(request.body);
        if (!parsed.success) {
          return reply.code(400).send({ error: "malformed body: expected a Bot Framework activity" });
        }
        const req = {
          method: "POST",
          headers: request.headers,
          body: request.body as Record<string, unknown>,
        };
        await adapter.process(req, expressStyleResponse(reply), async (context) => {
          try {
            await onTurn(context);
          } catch (error) {
            log.error(
              { err: { name: (error as Error).name, message: (error as Error).message } },
              "teams turn failed",
            );
            throw error;
          }
        });
        return reply;
      });
    },
  };
}

function tenant(activity: Parameters<typeof tenantOf>[0]) {
  const id = tenantOf(activity);
  return id ? { tenantId: id } : {};
}
