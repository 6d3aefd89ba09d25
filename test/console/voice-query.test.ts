/** `/console/voice` reads any query it is given: repeated or odd parameters are the default list, never a 500. */
import { afterAll, beforeAll, expect, test } from "vitest";
import { openSession } from "../../src/domain/staff/staff-sessions.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { staffMember } from "../support/staff.ts";
import { startTestBed, type TestBed } from "../support/test-bed.ts";

let bed: TestBed;
let cookie: string;
beforeAll(async () => {
  bed = await startTestBed();
  const { organisation } = await organisationWithCounsellor(bed.app.db);
  const member = await staffMember(bed.app.db, organisation.slug, "counsellor");
  cookie = `ceb_session=${await openSession(bed.app.db, member.id)}`;
});
afterAll(() => bed?.close());

test.each(["done=a&done=b", "done=voice_saved&done=voice_saved", "locale=ro&locale=ar", "done[x]=1"])(
  "/console/voice?%s answers 200",
  async (query) => {
    const page = await bed.app.http.inject({ url: `/console/voice?${query}`, headers: { cookie } });
    expect(page.statusCode, page.body.slice(0, 200)).toBe(200);
  },
);
