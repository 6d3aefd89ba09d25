/**
 * The Teams channel: botbuilder's CloudAdapter with our authentication (teams-auth.ts) at
 * `POST /api/messages`, our activity reading (activities.ts) and a ChannelSender (sender.ts).
 * The route runs the adapter's `processActivity` itself rather than `process`, which writes every
 * failure to stderr with its stack (one per refused token: anyone could flood it) and answers
 * with the error's message: a refused token is a 401 logged at most once a minute, any other
 * failure a 503 logged by name and message.
 *
 * botbuilder is archived upstream (no fixes after 2025); its successor, @microsoft/agents-hosting,
 * keeps the CloudAdapter/ActivityHandler shape. Every botbuilder import stays in this folder
 * (test/channels/teams/layering.test.ts checks it), so moving is a change of this folder only.
 */
import { type Activity, CloudAdapter, type InvokeResponse, TurnContext } from "botbuilder";
import { validateAndFixActivity } from "botbuilder/lib/activityValidator.js";
import { AuthenticationError } from "botframework-connector";
import type { FastifyInstance, FastifyReply } from "fastify";
import { type Logger, loggableError } from "../../logger.ts";
import type { Db } from "../../store/prisma.ts";
import { throttledWarn } from "../../throttled-log.ts";
import type { ChannelSender, InboundHandler } from "../types.ts";
import { activitySchema, interpretActivity, tenantOf } from "./activities.ts";
import { markUninstalled } from "./installation.ts";
import { createTeamsSender, type TeamsSenderOptions } from "./sender.ts";
import { createTeamsAuthentication, type TeamsAuthOptions } from "./teams-auth.ts";

export const TEAMS_MESSAGES_PATH = "/api/messages";

export interface TeamsChannelOptions extends TeamsAuthOptions {
  db: Db;
  /** The sender's options (its timeout). */
  sender?: TeamsSenderOptions;
  onInbound: InboundHandler;
  logger: Logger;
}

export interface TeamsChannel {
  readonly sender: ChannelSender;
  /** Adds POST /api/messages to `app`. */
  registerRoute(app: FastifyInstance): void;
}

/** CloudAdapter with its turn processing open to the route (`process` minus its error handling). */
class TeamsAdapter extends CloudAdapter {
  /** Authenticates `authHeader` for `activity` and runs `logic` as the turn (AuthenticationError: refused). */
  runTurn(
    authHeader: string,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

/** Builds the Teams channel; nothing touches the network until a request or a send. */
export function createTeamsChannel(options: TeamsChannelOptions): TeamsChannel {
  const log = options.logger.child({ channel: "teams" });
  const adapter = new TeamsAdapter(createTeamsAuthentication(options));
  const warnRefused = throttledWarn(log, "teams request refused: token not valid");

  /** The answer to a request whose turn failed: 401 for a refused token, else 503. */
  function failed(reply: FastifyReply, error: unknown): FastifyReply {
    if (error instanceof AuthenticationError) {
      warnRefused({ reason: error.message.slice(0, 200) });
      return reply.code(401).send({ error: "unauthorized" });
    }
    log.error({ err: loggableError(error) }, "teams request failed");
    return reply.code(503).send({ error: "could not be handled; try again later" });
  }

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
    sender: createTeamsSender(adapter, options.appId, options.sender),
    registerRoute(app) {
      app.post(TEAMS_MESSAGES_PATH, async (request, reply) => {
        const parsed = activitySchema.safeParse(request.body);
        if (!parsed.success) {
          return reply.code(400).send({ error: "malformed body: expected a Bot Framework activity" });
        }
        const authorization = request.headers.authorization;
        const activity = validateAndFixActivity(request.body as Activity);
        try {
          const invoked = await adapter.runTurn(authorization ?? "", activity, onTurn);
          return reply.code(invoked?.status ?? 200).send(invoked?.body);
        } catch (error) {
          return failed(reply, error);
        }
      });
    },
  };
}

function tenant(activity: Parameters<typeof tenantOf>[0]) {
  const id = tenantOf(activity);
  return id ? { tenantId: id } : {};
}
