import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deactivateStaff } from "../../src/domain/staff/staff-accounts.ts";
import { inviteLink, inviteStaff } from "../../src/domain/staff/staff-invites.ts";
import { organisationWithCounsellor } from "../domain/fixtures.ts";
import { uid } from "../support/db.ts";
import { staffMember, TEST_PASSWORD } from "../support/staff.ts";
import { startTestBed, type TestBed } from "../support/test-bed.ts";

let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed({ env: { PUBLIC_URL: "https://console.example.org" } });
});
afterAll(() => bed?.close());

/** Cookies of a response as a Cookie header, merged over `jar`. */
function cookies(response: LightMyRequestResponse, jar: Record<string, string> = {}): Record<string, string> {
  for (const c of response.cookies) jar[c.name] = c.value;
  return jar;
}
const header = (jar: Record<string, string>) =>
  Object.entries(jar)
    .filter(([, v]) => v !== "")
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");
const hidden = (body: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(body)?.[1] ?? "";

async function signIn(email: string, password: string, jar: Record<string, string> = {}) {
  const page = await bed.app.http.inject({ url: "/console" });
  cookies(page, jar);
  const response = await bed.app.http.inject({
    method: "POST",
    url: "/console/sign-in",
    headers: { cookie: header(jar), "content-type": "application/x-www-form-urlencoded" },
    payload: new URLSearchParams({
      email,
      password,
      _csrf: hidden(page.body, "_csrf"),
      next: "/console/cases",
    }).toString(),
  });
  return { response, jar: cookies(response, jar) };
}

describe("console sign-in", () => {
  it("shows the sign-in page at /console when signed out, in the browser's language", async () => {
    const page = await bed.app.http.inject({
      url: "/console",
      headers: { "accept-language": "fr-BE,fr;q=0.9" },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('lang="fr"');
    expect(page.body).toContain("Se connecter");
    expect(page.headers["content-security-policy"]).toContain("default-src 'self'");
  });

  it("signs in with a Secure, httpOnly, SameSite session cookie and audits it", async () => {
    const { organisation } = await organisationWithCounsellor(bed.app.db);
    const member = await staffMember(bed.app.db, organisation.slug, "counsellor");
    const { response, jar } = await signIn(member.email, TEST_PASSWORD);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe("/console/cases");
    const cookie = response.cookies.find((c) => c.name === "ceb_session");
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "Lax" });
    const cases = await bed.app.http.inject({ url: "/console/cases", headers: { cookie: header(jar) } });
    expect(cases.statusCode).toBe(200);
    expect(cases.body).toContain(member.name);
    const audit = await bed.app.db.auditEvent.findMany({
      where: { subjectId: member.id, type: "staff.signed_in" },
    });
    expect(audit).toHaveLength(1);
  });

  it("refuses a wrong password, audits it, and rate-limits the account", async () => {
    const { organisation } = await organisationWithCounsellor(bed.app.db);
    const member = await staffMember(bed.app.db, organisation.slug, "counsellor");
    for (let i = 0; i < 5; i++)
      expect((await signIn(member.email, "wrong password!!")).response.statusCode).toBe(401);
    const limited = await signIn(member.email, TEST_PASSWORD);
    expect(limited.response.statusCode).toBe(429);
    const failed = await bed.app.db.auditEvent.findMany({
      where: { subjectId: member.id, type: "staff.sign_in_failed" },
    });
    expect(failed.map((e) => (e.data as { reason: string }).reason).sort()).toEqual([
      "rate_limited",
      ...Array(5).fill("wrong_password"),
    ]);
    await bed.app.redis.del(...(await bed.app.redis.keys(`${bed.app.config.QUEUE_PREFIX}:signin:*`)));
  });

  it("refuses a sign-in form without its CSRF token, and a console form without the session's", async () => {
    const { organisation } = await organisationWithCounsellor(bed.app.db);
    const member = await staffMember(bed.app.db, organisation.slug, "coordinator");
    const forged = await bed.app.http.inject({
      method: "POST",
      url: "/console/sign-in",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: `email=${encodeURIComponent(member.email)}&password=${encodeURIComponent(TEST_PASSWORD)}`,
    });
    expect(forged.statusCode).toBe(403);
    const { jar } = await signIn(member.email, TEST_PASSWORD);
    const noToken = await bed.app.http.inject({
      method: "POST",
      url: "/console/staff/invite",
      headers: { cookie: header(jar), "content-type": "application/x-www-form-urlencoded" },
      payload: "name=X&email=x%40example.org&role=counsellor",
    });
    expect(noToken.statusCode).toBe(403);
  });

  it("sets a password through the one-time link, which then stops working", async () => {
    const { organisation } = await organisationWithCounsellor(bed.app.db);
    const email = `new-${uid()}@example.org`;
    const { token } = await inviteStaff(bed.app.db, {
      organisationSlug: organisation.slug,
      email,
      name: "Nadia",
      role: "steward",
    });
    const link = new URL(inviteLink(bed.app.config.PUBLIC_URL ?? "", token));
    expect(link.origin).toBe("https://console.example.org");
    const page = await bed.app.http.inject({ url: `${link.pathname}${link.search}` });
    expect(page.statusCode).toBe(200);
    const jar = cookies(page);
    const set = await bed.app.http.inject({
      method: "POST",
      url: "/console/set-password",
      headers: { cookie: header(jar), "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({
        token,
        password: "a long enough password",
        password2: "a long enough password",
        _csrf: hidden(page.body, "_csrf"),
      }).toString(),
    });
    expect(set.statusCode).toBe(303);
    const stored = await bed.app.db.counsellor.findUniqueOrThrow({ where: { email } });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect((await bed.app.http.inject({ url: `${link.pathname}${link.search}` })).statusCode).toBe(404);
    expect((await signIn(email, "a long enough password")).response.statusCode).toBe(303);
  });

  it("ends every session and token of a deactivated staff member at once", async () => {
    const { organisation } = await organisationWithCounsellor(bed.app.db);
    const coordinator = await staffMember(bed.app.db, organisation.slug, "coordinator");
    const member = await staffMember(bed.app.db, organisation.slug, "counsellor");
    const { jar } = await signIn(member.email, TEST_PASSWORD);
    expect(
      (await bed.app.http.inject({ url: "/console/cases", headers: { cookie: header(jar) } })).statusCode,
    ).toBe(200);
    await deactivateStaff(bed.app.db, coordinator.identity, member.id);
    const after = await bed.app.http.inject({ url: "/console/cases", headers: { cookie: header(jar) } });
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toContain("/console/sign-in");
    const api = await bed.app.http.inject({
      url: "/api/v1/leads",
      headers: { authorization: `Bearer ${member.apiToken}` },
    });
    expect(api.statusCode).toBe(401);
    expect((await signIn(member.email, TEST_PASSWORD)).response.statusCode).toBe(401);
  });
});
