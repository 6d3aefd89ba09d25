/**
 * `src/outbox/` is every message's one path (decision 0011): it stays small enough to read in one
 * sitting. Its files, counted as `wc -l src/outbox/*.ts` counts them, keep within 800 lines; a rule
 * that is not the outbox's own (where a conversation is addressed, say) lives outside it.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";

const OUTBOX = path.join(process.cwd(), "src", "outbox");
const BUDGET = 800;

test(`src/outbox/ stays within ${BUDGET} lines`, () => {
  const lines = readdirSync(OUTBOX)
    .filter((file) => file.endsWith(".ts"))
    .map((file) => readFileSync(path.join(OUTBOX, file), "utf8").split("\n").length - 1);
  expect(lines.reduce((sum, n) => sum + n, 0)).toBeLessThanOrEqual(BUDGET);
});
