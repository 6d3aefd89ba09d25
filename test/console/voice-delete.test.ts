/**
 * Deleting a voice recording in the console: its recorder and a coordinator of their organisation
 * see the button and may; a colleague counsellor sees no button, and a post of theirs is 403 with
 * the reason in their language, the recording kept.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, test } from "vitest";
import { findSession, openSession } from "../../src/domain/staff/staff-sessions.ts";
import { saveVoiceRecording } from "../../src/domain/voice/voice-recordings.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { staffMember } from "../support/staff.ts";
import { startTestBed, type TestBed } from "../support/test-bed.ts";

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
});
afterAll(() => bed?.close());

const webm = new Uint8Array(readFileSync(new URL("../fixtures/voice/hello.webm", import.meta.url)));
const slot = { locale: "bg", messageKey: "commands.delete_confirm" }; // a slot no other test file uses

async function session(staffId: string) {
  const token = await openSession(bed.app.db, staffId);
  return {
    cookie: `ceb_session=${token}`,
    "x-csrf-token": (await findSession(bed.app.db, token))?.csrfToken ?? "",
  };
}

test("only the recorder or their coordinator gets the delete button, and may delete", async () => {
  const { organisation } = await organisationWithCounsellor(bed.app.db);
  const recorder = await staffMember(bed.app.db, organisation.slug, "steward");
  const colleague = await staffMember(bed.app.db, organisation.slug, "counsellor", { locale: "nl" });
  const coordinator = await staffMember(bed.app.db, organisation.slug, "coordinator");
  const saved = await saveVoiceRecording(
    bed.app.db,
    { slot, bytes: webm, staffId: recorder.id },
    bed.app.http.consoleContext.voiceKeys.isKey,
  );
  const action = `/console/voice/${saved.id}/delete`;
  const page = async (staffId: string) =>
    (
      await bed.app.http.inject({
        url: `/console/voice?locale=${slot.locale}`,
        headers: await session(staffId),
      })
    ).body;
  expect(await page(recorder.id)).toContain(action);
  expect(await page(coordinator.id)).toContain(action);
  expect(await page(colleague.id)).not.toContain(action);

  const refused = await bed.app.http.inject({
    method: "POST",
    url: action,
    headers: await session(colleague.id),
  });
  expect(refused.statusCode).toBe(403);
  expect(refused.body).toContain(bed.app.translator.t("console.error_voice_not_yours", "nl"));
  expect(await bed.app.db.voiceRecording.count({ where: { id: saved.id } })).toBe(1);
  const deleted = await bed.app.http.inject({
    method: "POST",
    url: action,
    headers: await session(coordinator.id),
  });
  expect(deleted.statusCode).toBe(303);
  expect(await bed.app.db.voiceRecording.count({ where: { id: saved.id } })).toBe(0);
});
