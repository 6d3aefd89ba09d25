/**
 * One LISTEN connection per process (store/pg-listen.ts): listeners on two channels (and two on
 * one channel) share one backend; each hears its channel's notices only. Its backend terminated,
 * every listener is told once, and listening again opens one new backend for all of them, on
 * which each hears its notices again; the process sees no uncaught exception. In the app, the
 * inbox's live views and the Teams card worker listen on that one backend too.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { inboxHub } from "../../src/console/inbox-hub.ts";
import type { InboxChange } from "../../src/domain/handovers/inbox-events.ts";
import { createPgListen } from "../../src/store/pg-listen.ts";
import { uid } from "../support/db.ts";
import { namedTestDatabaseUrl, testDatabaseUrl } from "../support/env.ts";
import { startTestBed } from "../support/test-bed.ts";

let admin: pg.Client;
const uncaught: Error[] = [];
const onUncaught = (error: Error) => uncaught.push(error);
beforeAll(async () => {
  process.on("uncaughtException", onUncaught);
  admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
});
afterAll(async () => {
  process.off("uncaughtException", onUncaught);
  await admin?.end();
});

/** The backends of `name` in this database, and what each ran last. */
async function backends(name: string): Promise<{ pid: number; query: string }[]> {
  const { rows } = await admin.query(
    `SELECT pid, query FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`,
    [name],
  );
  return rows;
}

/** Polls `probe` until it returns something (not undefined), for at most 10 s. */
async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`not within 10 s: ${what}`);
}

/** A channel name of this test's own (lower-case letters: other files listen on the same database). */
const channelName = (prefix: string) =>
  `${prefix}_${Array.from(randomBytes(10), (b) => String.fromCharCode(97 + (b % 26))).join("")}`;

/** A listener that remembers what it heard and how often it was told of a loss. */
function ears() {
  const heard: string[] = [];
  const lost: Error[] = [];
  return { heard, lost, notice: (p: string) => heard.push(p), onLost: (e: Error) => lost.push(e) };
}

test("two channels on one backend; after it is terminated, one new backend and both hear again", async () => {
  const name = `pg-listen-${uid()}`;
  const pgListen = createPgListen(namedTestDatabaseUrl(name), () => undefined);
  const [a, b] = [channelName("a"), channelName("b")];
  try {
    const [first, second, onB] = [ears(), ears(), ears()];
    await Promise.all([
      pgListen.listen(a, first.notice, first.onLost),
      pgListen.listen(a, second.notice, second.onLost),
      pgListen.listen(b, onB.notice, onB.onLost),
    ]);
    const [one, ...more] = await backends(name);
    expect(more).toEqual([]);
    await admin.query("SELECT pg_notify($1, 'a1'), pg_notify($2, 'b1')", [a, b]);
    await until(() => (onB.heard.length && second.heard.length ? true : undefined), "both channels' notices");
    expect([first.heard, second.heard, onB.heard]).toEqual([["a1"], ["a1"], ["b1"]]);

    await admin.query("SELECT pg_terminate_backend($1::int)", [one?.pid]);
    await until(
      () => (first.lost.length && second.lost.length && onB.lost.length ? true : undefined),
      "lost",
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect([first.lost.length, second.lost.length, onB.lost.length]).toEqual([1, 1, 1]);

    // Listening again: one reconnect for all, on one new backend.
    const [againA, againB] = [ears(), ears()];
    const [unlistenA] = await Promise.all([
      pgListen.listen(a, againA.notice, againA.onLost),
      pgListen.listen(b, againB.notice, againB.onLost),
    ]);
    const now = await backends(name);
    expect(now).toHaveLength(1);
    expect(now[0]?.pid).not.toBe(one?.pid);
    await admin.query("SELECT pg_notify($1, 'a2'), pg_notify($2, 'b2')", [a, b]);
    await until(
      () => (againA.heard.length && againB.heard.length ? true : undefined),
      "notices after the loss",
    );
    expect([againA.heard, againB.heard]).toEqual([["a2"], ["b2"]]);
    expect([first.heard, onB.heard]).toEqual([["a1"], ["b1"]]); // those before the loss hear no more

    // One stops listening: its channel is quiet, the other still hears.
    await unlistenA();
    await admin.query("SELECT pg_notify($1, 'a3'), pg_notify($2, 'b3')", [a, b]);
    await until(() => (againB.heard.length === 2 ? true : undefined), "b3");
    expect(againA.heard).toEqual(["a2"]);
    expect(uncaught).toEqual([]);
  } finally {
    await pgListen.close();
  }
  // The client has ended its connection; the server's backend exits a moment later.
  const left = await until(async () => {
    const still = await backends(name);
    return still.length ? undefined : still;
  }, "the backend gone after close").catch(() => backends(name));
  expect(left).toEqual([]);
}, 30_000);

test("a listener that cannot connect is refused, and the next one connects", async () => {
  const name = `pg-listen-${uid()}`;
  const url = new URL(namedTestDatabaseUrl(name));
  url.port = "1"; // nothing listens there
  const nowhere = createPgListen(url.toString(), () => undefined);
  await expect(
    nowhere.listen(
      channelName("x"),
      () => undefined,
      () => undefined,
    ),
  ).rejects.toThrow();
  await nowhere.close();
  await expect(
    nowhere.listen(
      channelName("x"),
      () => undefined,
      () => undefined,
    ),
  ).rejects.toThrow(/closed/);
});

test("in the app, the inbox's live views and the Teams card worker listen on one backend, also after a loss", async () => {
  const name = `pg-listen-app-${uid()}`;
  // The workers: the card worker listens on card_tasks.
  const { app, close } = await startTestBed({
    workers: true,
    env: { DATABASE_URL: namedTestDatabaseUrl(name) },
  });
  try {
    const listening = (not?: number) =>
      until(async () => {
        const found = (await backends(name)).filter((b) => b.query.startsWith("LISTEN"));
        return found.length && found.every((b) => b.pid !== not) ? found : undefined;
      }, "a LISTEN backend");
    await listening();
    const organisationId = `org-${uid()}`;
    const changes: InboxChange[] = [];
    let lost = 0;
    const view = { change: (c: InboxChange) => changes.push(c), lost: () => lost++ };
    await inboxHub(app.http).subscribe(organisationId, view);
    const [first, ...others] = await listening();
    expect(others).toEqual([]);
    expect(first?.query).toBe("LISTEN inbox"); // the card worker's LISTEN card_tasks came first, on it

    const change = () => ({ organisationId, handoverId: uid() });
    await admin.query("SELECT pg_notify('inbox', $1)", [JSON.stringify(change())]);
    await until(() => (changes.length ? true : undefined), "an inbox change");

    await admin.query("SELECT pg_terminate_backend($1::int)", [first?.pid]);
    await until(() => (lost ? true : undefined), "the view told of the loss");
    // The card worker listens again a second later, on a new backend; the view joins it.
    const [again] = await listening(first?.pid);
    expect(again?.query).toBe("LISTEN card_tasks");
    await inboxHub(app.http).subscribe(organisationId, view);
    const after = await listening(first?.pid);
    expect(after.map((b) => [b.pid, b.query])).toEqual([[again?.pid, "LISTEN inbox"]]);
    await admin.query("SELECT pg_notify('inbox', $1)", [JSON.stringify(change())]);
    await until(() => (changes.length === 2 ? true : undefined), "an inbox change after the loss");
    expect(uncaught).toEqual([]);
  } finally {
    await close();
  }
}, 30_000);
