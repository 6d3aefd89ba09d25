// Makes a fresh clone runnable: installs dependencies when they are missing or older than
// package-lock.json, and generates the Prisma client when it is missing or older than the schema.
// Plain Node, no dependencies, so it runs before `npm install` ever did.
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const at = (...p) => path.join(root, ...p);
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: "inherit" });

const installed = at("node_modules", ".package-lock.json");
// A worktree whose node_modules links to another checkout's must never reinstall: npm ci would
// empty the shared folder under everyone using it.
const linked = existsSync(at("node_modules")) && lstatSync(at("node_modules")).isSymbolicLink();
const stale = !existsSync(installed) || mtime(at("package-lock.json")) > mtime(installed);
if (stale && !linked) {
  console.log("Installing dependencies (npm ci)…");
  run(npm, ["ci", "--no-audit", "--no-fund"]);
}

const generated = at("src", "generated", "prisma", "client.ts");
if (mtime(at("prisma", "schema.prisma")) > mtime(generated)) {
  console.log("Generating the Prisma client…");
  run(process.execPath, [at("node_modules", "prisma", "build", "index.js"), "generate"]);
}
