/**
 * What every console page and API route can reach: the store, the translator, the configuration,
 * and — once requireStaff (or the API's auth) has run — who is asking. Fastify decorations, typed
 * here once.
 */
import type { Queue } from "bullmq";
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import type { Config } from "../config.ts";
import type { BroadcastJobData } from "../domain/broadcasts/broadcast-queue.ts";
import type { StaffIdentity } from "../domain/staff/staff-identity.ts";
import type { StaffSessionInfo } from "../domain/staff/staff-sessions.ts";
import type { VoiceKeys } from "../domain/voice/voice-keys.ts";
import type { FlowRegistry } from "../flows/flow-registry.ts";
import type { Translator } from "../i18n/translator.ts";
import type { Logger } from "../logger.ts";
import type { OutboundSenders } from "../outbox/outbound-senders.ts";
import type { Outbox } from "../outbox/outbox.ts";
import type { NudgeJobData } from "../scheduling/nudge-queue.ts";
import type { PgListen } from "../store/pg-listen.ts";
import type { Db } from "../store/prisma.ts";

/** The console's dependencies, on `request.server.consoleContext`. */
export interface ConsoleContext {
  db: Db;
  redis: Redis;
  translator: Translator;
  config: Config;
  logger: Logger;
  /** Every message to a client goes through it (lead assignment notices, replies). */
  outbox: Outbox;
  /** The outbox's unstored send: the last message after a staff erasure (privacy/staff-erasure.ts). */
  farewell: Pick<OutboundSenders, "sendUnstored">;
  /** The process's LISTEN connection: the live views hear of inbox changes on it (inbox-hub.ts). */
  pgListen: PgListen;
  /** The nudge timers (appointment reminders, check-ins) the case page's actions plan. */
  nudgeQueue: Queue<NudgeJobData>;
  /** Broadcasts' timers: a broadcast composed in the console is fanned out by its job. */
  broadcastQueue: Queue<BroadcastJobData>;
  /** For the assessment view (answers labelled by the flow that asked). */
  flows: FlowRegistry;
  /** The messages the voice page records: those of `flows`, then the others (built once at start). */
  voiceKeys: VoiceKeys;
  /** Where links in e-mails and invite pages point: PUBLIC_URL, else http://HOST:PORT. */
  baseUrl: string;
  /** Whether cookies carry `Secure` (PUBLIC_URL is https). */
  secureCookies: boolean;
}

declare module "fastify" {
  interface FastifyInstance {
    consoleContext: ConsoleContext;
  }
  interface FastifyRequest {
    /** Set by requireStaff (console) or the API's auth (session or bearer token). */
    staff: StaffIdentity | undefined;
    /** Set by requireStaff when the request came with a console session (not a token). */
    staffSession: StaffSessionInfo | undefined;
  }
}

/** The base URL for links: PUBLIC_URL, else http://HOST:PORT. */
export function baseUrlOf(config: Pick<Config, "PUBLIC_URL" | "HOST" | "PORT">): string {
  return config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`;
}

/** Decorates the app once with the console context and the request slots. */
export function decorateConsole(http: FastifyInstance, context: ConsoleContext): void {
  http.decorate("consoleContext", context);
  http.decorateRequest("staff", undefined);
  http.decorateRequest("staffSession", undefined);
}

/** A console string (`console.<key>`) in the staff member's language (English before sign-in). */
export function consoleText(
  translator: Translator,
  locale: string,
  key: string,
  params?: Record<string, string | number | Date>,
): string {
  return translator.t(`console.${key}`, locale, params);
}
