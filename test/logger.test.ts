/**
 * What an error may put in a log line (src/logger.ts): Prisma's messages quote the failing call,
 * a validation error its arguments — a client's words and phone number among them. Logged, only the
 * call's name and the reason remain, in the message and in the stack's first line.
 */
import { pino } from "pino";
import { afterAll, expect, test } from "vitest";
import { errorSummary } from "../src/channels/telegram/errors.ts";
import { loggableError } from "../src/logger.ts";
import { createDb } from "../src/store/prisma.ts";
import { testDatabaseUrl } from "./support/env.ts";

const db = createDb(testDatabaseUrl());
afterAll(() => db.$disconnect());

test("a Prisma validation error is logged without the call's arguments", async () => {
  const words = "Ion Popescu, +32 470 12 34 56";
  // A bug's shape: a value of the wrong type reaches the store next to a client's words.
  const error = await db.caseNote.create({ data: { caseId: 5 as unknown as string, text: words } }).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(error?.message).toContain(words);
  const lines: string[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => lines.push(line) });
  logger.error({ err: loggableError(error) }, "failed");
  logger.error({ err: errorSummary(error) }, "failed");
  expect(lines).toHaveLength(2);
  for (const line of lines) {
    expect(line).not.toContain("Popescu");
    expect(line).not.toContain("470");
    expect(JSON.parse(line).err.message).toMatch(
      /^Invalid `db\.caseNote\.create\(\)` invocation: Argument `caseId`/,
    );
  }
});
