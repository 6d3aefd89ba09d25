/**
 * What a failed request to POST /api/messages leaves behind: a refused token is a 401 with a
 * warning at most once a minute, a turn that fails is a 503 logged by name and message, and
 * neither writes to stderr (botbuilder's `process` console.error'd each one, stack and all).
 */
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, expect, type MockInstance, test, vi } from "vitest";
import { createTeamsChannel } from "../../../src/channels/teams/teams-channel.ts";
import { testDb } from "../../support/db.ts";
import { type FakeBotFramework, startFakeBotFramework } from "../../support/fake-bot-framework.ts";
import { APP_PASSWORD, message, type TeamsTestBed, teamsUser } from "./support.ts";

const db = testDb();
const appId = randomUUID();
let fake: FakeBotFramework;
let http: FastifyInstance;
let logLines: string[];
let consoleError: MockInstance;

beforeAll(async () => {
  const tenantId = randomUUID();
  fake = await startFakeBotFramework({
    appId,
    appPassword: APP_PASSWORD,
    tenantId,
    issuer: "https://api.test",
  });
  const channel = createTeamsChannel({
    appId,
    appPassword: APP_PASSWORD,
    tenantId,
    appType: "SingleTenant",
    openIdMetadataUrl: fake.openIdMetadataUrl,
    tokenIssuer: fake.issuer,
    loginUrl: fake.loginUrl,
    db,
    onInbound: async () => {
      throw Object.assign(new Error('null value in column "x" violates not-null constraint'), {
        detail: "Failing row contains (7, Te rog ajută-mă).",
      });
    },
    logger: pino({ level: "info" }, { write: (line: string) => logLines.push(line) }),
  });
  http = Fastify();
  channel.registerRoute(http);
  await http.ready();
});
afterAll(async () => {
  await http?.close();
  await fake?.close();
  await db.$disconnect();
});
beforeEach(() => {
  logLines = [];
  consoleError = vi.spyOn(console, "error");
});
afterEach(() => consoleError.mockRestore());

const bed = () => ({ fake, appId }) as unknown as TeamsTestBed;
const post = (token: string | null) =>
  http.inject({
    method: "POST",
    url: "/api/messages",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    payload: message(bed(), teamsUser(), "hello"),
  });

test("refused tokens: 401, one warning for the lot, nothing on stderr", async () => {
  const responses = [
    await post(await fake.forgeToken("unknown-key")),
    await post(await fake.forgeToken("wrong-audience")),
    await post(await fake.forgeToken("wrong-issuer")),
    // botframework-connector's own check console.errors these two (the key list, the expiry).
    await post(await fake.forgeToken("same-kid-wrong-signature")),
    await post(await fake.forgeToken("expired-beyond-skew")),
    await post(null),
  ];
  expect(responses.map((r) => r.statusCode)).toEqual([401, 401, 401, 401, 401, 401]);
  expect(responses[0]?.json()).toEqual({ error: "unauthorized" });
  expect(consoleError).not.toHaveBeenCalled();
  expect(logLines.filter((line) => line.includes("teams request refused"))).toHaveLength(1);
});

test("a failing turn: 503 without its message, one summarised line, nothing on stderr", async () => {
  const response = await post(await fake.signToken());
  expect(response.statusCode).toBe(503);
  expect(response.body).not.toContain("not-null");
  expect(consoleError).not.toHaveBeenCalled();
  const failed = logLines.filter((line) => line.includes("teams request failed"));
  expect(failed).toHaveLength(1);
  expect(failed[0]).toContain("not-null constraint");
  expect(failed[0]).not.toMatch(/Failing row|Te rog|"stack":"[^"]/);
});
