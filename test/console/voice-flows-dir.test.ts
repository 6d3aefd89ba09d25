/**
 * The recordable messages are those of the flows the app loaded (FLOWS_DIR), not of `flows/` next
 * to the source: a deployment with its own flows lists and accepts its new question, and refuses
 * the keys of a flow it does not have.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { findSession, openSession } from "../../src/domain/staff/staff-sessions.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { staffMember } from "../support/staff.ts";
import { startTestBed, type TestBed } from "../support/test-bed.ts";

const webm = readFileSync(new URL("../fixtures/voice/hello.webm", import.meta.url));
/** In every client language, said by no flow of `flows/` and by none of the hand-listed keys. */
const NEW_KEY = "commands.welcome_back";
/** Said only by flows/alerts.yaml, which this deployment does not have. */
const DROPPED_KEY = "jobs.alerts_every_saved";

const GREETING = `formatVersion: 1
id: greeting
version: 1
description: A deployment's own flow.
steps:
  - id: hello
    type: end
    text: ${NEW_KEY}
`;

let dir: string;
let bed: TestBed;
let headers: Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "flows-"));
  cpSync("flows", dir, { recursive: true });
  rmSync(path.join(dir, "alerts.yaml"));
  writeFileSync(path.join(dir, "greeting.yaml"), GREETING);
  bed = await startTestBed({ env: { FLOWS_DIR: dir } });
  const { organisation } = await organisationWithCounsellor(bed.app.db);
  const steward = await staffMember(bed.app.db, organisation.slug, "steward");
  const token = await openSession(bed.app.db, steward.id);
  const session = await findSession(bed.app.db, token);
  headers = { cookie: `ceb_session=${token}`, "x-csrf-token": session?.csrfToken ?? "" };
});
afterAll(async () => {
  await bed?.app.db.voiceRecording.deleteMany({ where: { messageKey: NEW_KEY } });
  await bed?.close();
  rmSync(dir, { recursive: true, force: true });
});

const upload = (key: string) =>
  bed.app.http.inject({
    method: "POST",
    url: `/console/voice/bg/${key}`,
    headers: { ...headers, "content-type": "audio/webm" },
    payload: webm,
  });

test("the voice page lists the deployment's own question, under its flow's description, and not a flow it lacks", async () => {
  const page = await bed.app.http.inject({ url: "/console/voice?locale=bg", headers });
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain(`<code>${NEW_KEY}</code>`);
  // A flow staff have no name for (flows:check asks for one) goes by its description, not its file.
  expect(page.body).toContain('<h2 id="voice-group-');
  expect(page.body).toMatch(/<h2 id="voice-group-\d+">A deployment&#39;s own flow\.<\/h2>/);
  expect(page.body).not.toContain(path.join(dir, "greeting.yaml"));
  expect(page.body).not.toContain(`<code>${DROPPED_KEY}</code>`);
  // The questionnaire is still there, from the copied file.
  expect(page.body).toContain("<code>assessment.residence_prompt</code>");
});

test("a recording of the new question is accepted; one of a flow the deployment lacks is refused", async () => {
  const saved = await upload(NEW_KEY);
  expect(saved.statusCode, saved.body).toBe(201);
  const stored = await bed.app.db.voiceRecording.findUnique({
    where: { locale_messageKey: { locale: "bg", messageKey: NEW_KEY } },
  });
  expect(stored?.mimeType).toBe("audio/ogg");
  expect((await upload(DROPPED_KEY)).statusCode).toBe(400);
  expect(await bed.app.db.voiceRecording.count({ where: { locale: "bg", messageKey: DROPPED_KEY } })).toBe(0);
});
