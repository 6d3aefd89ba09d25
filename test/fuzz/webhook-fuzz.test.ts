/**
 * Issue 12's fuzz test: a seeded generator of mutated Telegram updates (wrong types, missing
 * fields, deep nesting, NUL, lone surrogates, huge ids, 1 MB bodies) and web chat bodies, posted
 * over HTTP to the real app (real Postgres and Redis, the fake Bot API). Every answer must be below
 * 500, no rejection may go unhandled, and /readyz must stay 200 throughout. The seed is printed
 * on failure; `FUZZ_SEED=<n> npx vitest run test/fuzz` replays one run.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { WEBHOOK_SECRET } from "../support/test-app.ts";
import { startTestBed, type TestBedWithTelegram } from "../support/test-bed.ts";
import { mutatedBody, type Random, seededRandom } from "./mutations.ts";

const COUNT = 2000;
const CONCURRENCY = 8;
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

let bed: TestBedWithTelegram;
let base: string;
const unhandled: unknown[] = [];
const collect = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on("unhandledRejection", collect);
  process.on("uncaughtException", collect);
  bed = await startTestBed({ telegram: true });
  base = await bed.app.http.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await bed?.close();
  process.off("unhandledRejection", collect);
  process.off("uncaughtException", collect);
});

interface Request {
  url: string;
  body: string;
}

function nextRequest(random: Random, index: number, sessions: string[]): Request {
  if (random() < 0.1 && sessions.length) {
    const session = sessions[Math.floor(random() * sessions.length)] as string;
    return { url: "/chat/api/messages", body: mutatedBody(random, index, "webchat", session) };
  }
  return { url: "/telegram/webhook", body: mutatedBody(random, index, "telegram") };
}

async function send(request: Request): Promise<number> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (request.url === "/telegram/webhook") headers["x-telegram-bot-api-secret-token"] = WEBHOOK_SECRET;
  const response = await fetch(base + request.url, { method: "POST", headers, body: request.body });
  await response.arrayBuffer();
  return response.status;
}

test(`${COUNT} mutated updates: no 5xx, nothing unhandled, /readyz 200 throughout`, async () => {
  const random = seededRandom(SEED);
  const sessions: string[] = [];
  for (let i = 0; i < 3; i++) {
    const response = await fetch(`${base}/chat/api/sessions`, { method: "POST" });
    sessions.push(((await response.json()) as { sessionId: string }).sessionId);
  }
  const requests = Array.from({ length: COUNT }, (_, i) => nextRequest(random, i, sessions));
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const index = next++;
      const request = requests[index] as Request;
      const status = await send(request).catch(() => 599);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status >= 500) failures.push(`#${index} ${request.url} → ${status}: ${request.body.slice(0, 300)}`);
      if (index % 250 === 0) {
        const ready = await fetch(`${base}/readyz`);
        if (ready.status !== 200) failures.push(`/readyz ${ready.status} after #${index}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const summary = `seed ${SEED} (replay: FUZZ_SEED=${SEED}); statuses ${JSON.stringify([...statuses])}`;
  expect(failures.slice(0, 5), summary).toEqual([]);
  expect(unhandled.map(String), summary).toEqual([]);
  expect((await fetch(`${base}/readyz`)).status, summary).toBe(200);
  // The generator reaches the core, not only the door.
  expect(statuses.get(200) ?? 0, summary).toBeGreaterThan(COUNT / 4);
}, 300_000);
