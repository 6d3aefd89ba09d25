import { afterAll, expect, test } from "vitest";
import { testDb, uid } from "../support/db.ts";

const db = testDb();
afterAll(() => db.$disconnect());

test("the generated client reads and writes the migrated test database", async () => {
  const slug = `org-${uid()}`;
  const created = await db.organisation.create({ data: { slug, name: "Test organisation" } });
  const found = await db.organisation.findUnique({ where: { slug } });
  expect(found?.id).toBe(created.id);
});
