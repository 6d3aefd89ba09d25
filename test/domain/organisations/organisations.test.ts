import { afterAll, describe, expect, test } from "vitest";
import { DomainError } from "../../../src/domain/errors.ts";
import { createCounsellor } from "../../../src/domain/organisations/counsellors.ts";
import { createOrganisation } from "../../../src/domain/organisations/organisations.ts";
import { createProgramme } from "../../../src/domain/organisations/programmes.ts";
import { testDb, uid } from "../../support/db.ts";

const db = testDb();
afterAll(() => db.$disconnect());

describe("createOrganisation", () => {
  test("stores a lower-cased slug and refuses a second one with the same slug", async () => {
    const slug = `org-${uid()}`;
    const created = await createOrganisation(db, { slug: ` ${slug.toUpperCase()} `, name: "Actiris" });
    expect(created.slug).toBe(slug);
    await expect(createOrganisation(db, { slug, name: "Again" })).rejects.toThrow(
      new DomainError(`An organisation with slug "${slug}" already exists.`),
    );
  });

  test("explains a bad slug in one line", async () => {
    await expect(createOrganisation(db, { slug: "no spaces please", name: "X" })).rejects.toThrow(
      /^Invalid slug: use 2 to 64 lowercase letters, digits or hyphens/,
    );
  });
});

describe("createProgramme", () => {
  test("defaults to Europe/Brussels, no invite code, not the default intake", async () => {
    const org = await createOrganisation(db, { slug: `org-${uid()}`, name: "Org" });
    const programme = await createProgramme(db, {
      organisationSlug: org.slug,
      slug: `p-${uid()}`,
      name: "P",
    });
    expect(programme).toMatchObject({
      organisationId: org.id,
      timezone: "Europe/Brussels",
      inviteCode: null,
      isDefaultIntake: false,
    });
  });

  test("gives a programme an invite code on request", async () => {
    const org = await createOrganisation(db, { slug: `org-${uid()}`, name: "Org" });
    const programme = await createProgramme(db, {
      organisationSlug: org.slug,
      slug: `p-${uid()}`,
      name: "Posters",
      withInviteCode: true,
    });
    expect(programme.inviteCode).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
  });

  test("a new default intake unsets the previous one", async () => {
    const org = await createOrganisation(db, { slug: `org-${uid()}`, name: "Org" });
    const first = await createProgramme(db, {
      organisationSlug: org.slug,
      slug: `p-${uid()}`,
      name: "First intake",
      isDefaultIntake: true,
    });
    const second = await createProgramme(db, {
      organisationSlug: org.slug,
      slug: `p-${uid()}`,
      name: "Second intake",
      isDefaultIntake: true,
    });
    expect(first.isDefaultIntake).toBe(true);
    expect(second.isDefaultIntake).toBe(true);
    const reread = await db.programme.findUniqueOrThrow({ where: { id: first.id } });
    expect(reread.isDefaultIntake).toBe(false);
  });

  test("refuses an unknown organisation, a taken slug and a bad time zone", async () => {
    const org = await createOrganisation(db, { slug: `org-${uid()}`, name: "Org" });
    const slug = `p-${uid()}`;
    await createProgramme(db, { organisationSlug: org.slug, slug, name: "P" });
    await expect(
      createProgramme(db, { organisationSlug: `nope-${uid()}`, slug: `p-${uid()}`, name: "P" }),
    ).rejects.toThrow(/^No organisation with slug "nope-/);
    await expect(createProgramme(db, { organisationSlug: org.slug, slug, name: "P" })).rejects.toThrow(
      `A programme with slug "${slug}" already exists.`,
    );
    await expect(
      createProgramme(db, {
        organisationSlug: org.slug,
        slug: `p-${uid()}`,
        name: "P",
        timezone: "Mars/Olympus",
      }),
    ).rejects.toThrow("Invalid timezone: must be an IANA time zone such as Europe/Brussels.");
  });
});

describe("createCounsellor", () => {
  test("lower-cases the e-mail, defaults to nl, and refuses a duplicate e-mail", async () => {
    const org = await createOrganisation(db, { slug: `org-${uid()}`, name: "Org" });
    const email = `An.Peeters-${uid()}@Example.org`;
    const counsellor = await createCounsellor(db, { organisationSlug: org.slug, name: "An Peeters", email });
    expect(counsellor).toMatchObject({ email: email.toLowerCase(), locale: "nl", organisationId: org.id });
    await expect(createCounsellor(db, { organisationSlug: org.slug, name: "An", email })).rejects.toThrow(
      `A counsellor with e-mail ${email.toLowerCase()} already exists.`,
    );
  });

  test("refuses a locale counsellors do not work in and a malformed e-mail", async () => {
    const org = await createOrganisation(db, { slug: `org-${uid()}`, name: "Org" });
    await expect(
      createCounsellor(db, {
        organisationSlug: org.slug,
        name: "X",
        email: `x-${uid()}@example.org`,
        locale: "de" as "nl",
      }),
    ).rejects.toThrow("Invalid locale: must be nl, fr or en.");
    await expect(
      createCounsellor(db, { organisationSlug: org.slug, name: "X", email: "not-an-email" }),
    ).rejects.toThrow(/^Invalid email: must be an e-mail address/);
  });
});
