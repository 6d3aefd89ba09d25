/**
 * The layers point one way (docs/architecture.md): engine ← i18n ← flows ← conversation, outbox,
 * scheduling ← domain ← channels, console, api, cli, http ← app.ts ← main.ts, worker.ts. Every relative import of every
 * file in src/ is parsed with the TypeScript compiler; an import against the direction fails the
 * test, naming the file and the import.
 */
import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import ts from "typescript";
import { expect, test } from "vitest";
import { sourceFiles } from "../../scripts/long-functions.ts";

/** Under every layer: configuration, logging, the store, and the message types channels share. */
const FOUNDATION = [
  "config.ts",
  "logger.ts",
  "throttled-log.ts",
  "process-guards.ts",
  "store",
  "generated",
  "channels/types.ts",
];

/** Each folder (or top-level file) of src/ and its layer, lowest first. */
const LAYER: Record<string, number> = {
  engine: 1,
  i18n: 2,
  flows: 3,
  conversation: 4,
  outbox: 4,
  scheduling: 4,
  domain: 5,
  channels: 6,
  console: 6,
  api: 6,
  cli: 6,
  http: 6,
  app: 7,
  "app.ts": 7,
  "main.ts": 8,
  "worker.ts": 8,
};

/**
 * Imports between different parts of the same layer that are allowed. The doors (layer 6) may
 * share helpers (sessions, invite links); in the core (layer 4) only these two may.
 */
const SIDEWAYS = new Set(["conversation -> outbox", "scheduling -> outbox", "app.ts -> app"]);
const OPEN_LAYERS = new Set([6]);

const part = (path: string) => {
  const foundation = FOUNDATION.find((f) => path === f || path.startsWith(`${f}/`));
  return foundation ?? (path.split("/")[0] as string);
};
const layerOf = (p: string) => (FOUNDATION.includes(p) ? 0 : LAYER[p]);

/** Why `from` may not import `to`, or undefined when it may. */
function violation(from: string, to: string): string | undefined {
  const [a, b] = [part(from), part(to)];
  const [la, lb] = [layerOf(a), layerOf(b)];
  if (la === undefined) return `${a} has no layer in test/architecture/layers.test.ts`;
  if (lb === undefined) return `${b} has no layer in test/architecture/layers.test.ts`;
  if (a === b) return undefined;
  if (lb > la) return `${a} (layer ${la}) imports ${b} (layer ${lb}), a layer above it`;
  if (lb === la && lb !== 0 && !OPEN_LAYERS.has(la) && !SIDEWAYS.has(`${a} -> ${b}`))
    return `${a} imports ${b}, beside it`;
  return undefined;
}

function imports(root: string): { from: string; to: string }[] {
  const src = join(root, "src");
  return sourceFiles(src).flatMap((file) =>
    ts
      .preProcessFile(readFileSync(file, "utf8"), true, true)
      .importedFiles.filter((i) => i.fileName.startsWith("."))
      .map((i) => ({ from: relative(src, file), to: relative(src, join(dirname(file), i.fileName)) })),
  );
}

test("every import in src/ points down the layers", () => {
  const wrong = imports(process.cwd())
    .map(({ from, to }) => ({ from, to, why: violation(from, to) }))
    .filter((i) => i.why)
    .map((i) => `${i.from} imports ${i.to}: ${i.why}`);
  expect(wrong).toEqual([]);
});

test("the check itself catches an import against the direction", () => {
  expect(violation("conversation/turn-routing.ts", "domain/cases/invites.ts")).toMatch(/layer above/);
  expect(violation("conversation/proactive.ts", "scheduling/nudge-worker.ts")).toMatch(/beside/);
  expect(violation("scheduling/nudge-worker.ts", "conversation/render.ts")).toMatch(/beside/);
  expect(violation("domain/cases/cases.ts", "store/prisma.ts")).toBeUndefined();
  expect(violation("domain/broadcasts/broadcast-fanout.ts", "channels/types.ts")).toBeUndefined();
  expect(violation("domain/broadcasts/broadcast-fanout.ts", "channels/telegram/render.ts")).toMatch(/above/);
});
