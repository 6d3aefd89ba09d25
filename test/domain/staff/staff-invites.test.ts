import { afterAll, describe, expect, test } from "vitest";
import { DomainError } from "../../../src/domain/errors.ts";
import { signInWithOidc, signInWithPassword } from "../../../src/domain/staff/sign-in.ts";
import { findInvite, inviteStaff, setPasswordWithInvite } from "../../../src/domain/staff/staff-invites.ts";
import { testDb, uid } from "../../support/db.ts";
import { staffMember, TEST_PASSWORD } from "../../support/staff.ts";
import { organisationWithCounsellor } from "../fixtures.ts";

const db = testDb();
afterAll(() => db.$disconnect());

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe("inviting staff again", () => {
  test("a member who has not set a password gets a new link; the old one stops working", async () => {
    const { organisation } = await organisationWithCounsellor(db);
    const invite = { organisationSlug: organisation.slug, email: `n-${uid()}@example.org`, name: "Nadia" };
    const first = await inviteStaff(db, { ...invite, role: "steward" });
    const second = await inviteStaff(db, { ...invite, role: "counsellor" });
    expect(await findInvite(db, first.token)).toBeNull();
    expect(await findInvite(db, second.token)).toMatchObject({ id: first.staff.id, role: "counsellor" });
  });

  test("a member who has set a password is refused: no new link, role and sessions as they were", async () => {
    const { organisation } = await organisationWithCounsellor(db);
    const member = await staffMember(db, organisation.slug, "coordinator");
    const before = await db.counsellor.findUniqueOrThrow({ where: { id: member.id } });
    const error = await refusal(
      inviteStaff(db, {
        organisationSlug: organisation.slug,
        email: member.email,
        name: "X",
        role: "steward",
      }),
    );
    expect(error.code).toBe("staff_already_signed_up");
    expect(await db.counsellor.findUniqueOrThrow({ where: { id: member.id } })).toEqual(before);
    expect(await db.auditEvent.count({ where: { subjectId: member.id, type: "staff.invited" } })).toBe(1);
  });

  test("an active member who signs in with OIDC only (no password) is refused too", async () => {
    const { organisation } = await organisationWithCounsellor(db);
    const invite = { organisationSlug: organisation.slug, email: `o-${uid()}@example.org`, name: "Omar" };
    const first = await inviteStaff(db, { ...invite, role: "counsellor" });
    expect((await signInWithOidc(db, invite.email, true)).ok).toBe(true);
    const error = await refusal(inviteStaff(db, { ...invite, role: "coordinator" }));
    expect(error.code).toBe("staff_already_signed_up");
    expect((await db.counsellor.findUniqueOrThrow({ where: { id: first.staff.id } })).role).toBe(
      "counsellor",
    );
  });

  test("a deactivated member is invited back: the old password stops working, the new link sets one", async () => {
    const { organisation } = await organisationWithCounsellor(db);
    const member = await staffMember(db, organisation.slug, "counsellor");
    await db.counsellor.update({ where: { id: member.id }, data: { deactivatedAt: new Date() } });
    const back = await inviteStaff(db, {
      organisationSlug: organisation.slug,
      email: member.email,
      name: member.name,
      role: "counsellor",
    });
    const row = await db.counsellor.findUniqueOrThrow({ where: { id: member.id } });
    expect(row).toMatchObject({ deactivatedAt: null, passwordHash: null });
    expect(await signInWithPassword(db, member.email, TEST_PASSWORD)).toMatchObject({ ok: false });
    await setPasswordWithInvite(db, back.token, "a brand new passphrase here");
    expect(await signInWithPassword(db, member.email, "a brand new passphrase here")).toMatchObject({
      ok: true,
    });
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { subjectId: member.id, type: "staff.invited" },
      orderBy: { at: "desc" },
    });
    expect(audit.data).toMatchObject({ reactivated: true });
  });

  test("a link spent while the re-invite runs is not replaced", async () => {
    const { organisation } = await organisationWithCounsellor(db);
    const invite = { organisationSlug: organisation.slug, email: `r-${uid()}@example.org`, name: "Rami" };
    const first = await inviteStaff(db, { ...invite, role: "counsellor" });
    const stale = { ...first.staff };
    await setPasswordWithInvite(db, first.token, "a long enough password");
    const findUnique = db.counsellor.findUnique;
    db.counsellor.findUnique = (async () => stale) as unknown as typeof findUnique;
    try {
      const error = await refusal(inviteStaff(db, { ...invite, role: "coordinator" }));
      expect(error.code).toBe("staff_already_signed_up");
    } finally {
      db.counsellor.findUnique = findUnique;
    }
    expect(await db.counsellor.findUniqueOrThrow({ where: { id: first.staff.id } })).toMatchObject({
      role: "counsellor",
      inviteTokenHash: null,
    });
  });

  test("an e-mail of another organisation is refused without saying so", async () => {
    const { organisation } = await organisationWithCounsellor(db);
    const other = await organisationWithCounsellor(db);
    const error = await refusal(
      inviteStaff(db, {
        organisationSlug: organisation.slug,
        email: other.counsellor.email,
        name: "X",
        role: "counsellor",
      }),
    );
    expect(error.code).toBe("email_not_invitable");
    expect(error.message).not.toMatch(/organisation/i);
    expect(error.message).not.toContain(other.counsellor.email);
  });
});
