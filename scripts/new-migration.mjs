// `npm run db:new-migration -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql
// with the SQL that takes the database from the schema of the last committed migration to the
// current prisma/schema.prisma. The diff is between two datamodels, but the Wasm engine's adapter
// still opens a connection, so Postgres must be reachable (the `postgres` maintenance database
// by default; nothing is written to it).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const name = (process.argv[2] ?? "").replace(/[^a-z0-9_]/gi, "_").toLowerCase();
if (!name) {
  console.error("Usage: npm run db:new-migration -- <name>");
  process.exit(2);
}
const git = (...args) => execFileSync("git", args, { encoding: "utf8" }).trim();
const lastCommit = git("log", "-1", "--format=%H", "--", "prisma/migrations");
const prisma = path.join("node_modules", "prisma", "build", "index.js");
const args = ["migrate", "diff", "--to-schema-datamodel", "prisma/schema.prisma", "--script"];
if (lastCommit) {
  const previous = path.join(mkdtempSync(path.join(os.tmpdir(), "schema-")), "schema.prisma");
  writeFileSync(previous, git("show", `${lastCommit}:prisma/schema.prisma`));
  args.push("--from-schema-datamodel", previous);
} else {
  args.push("--from-empty");
}
const sql = execFileSync(process.execPath, [prisma, ...args], {
  encoding: "utf8",
  env: {
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
  },
});
if (!/\S/.test(sql.replace(/^--.*$/gm, ""))) {
  console.log("The schema has not changed since the last migration: nothing to write.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join("prisma", "migrations", `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), sql);
console.log(`Wrote ${dir}/migration.sql; review it, then commit it together with schema.prisma.`);
