/**
 * The inbox's live views survive their LISTEN connection: the app reaches Postgres through a
 * small TCP proxy that this test can make refuse new connections. A LISTEN that cannot open closes
 * the stream (htmx reconnects) and the next stream listens again; a LISTEN backend terminated
 * under open streams neither ends the process (no uncaught exception) nor leaves the streams
 * beating with no data: they close and the next one gets changes again. A stream that opens
 * (every reconnect) first sends the current render, so what changed while no stream was open is
 * shown at once, not with the next change.
 */
import net from "node:net";
import { afterAll, beforeAll, expect, test } from "vitest";
import { openSession } from "../../src/domain/staff/staff-sessions.ts";
import { consentedClient, organisationWithCounsellor } from "../domain/fixtures.ts";
import { uid } from "../support/db.ts";
import { testDatabaseUrl } from "../support/env.ts";
import { staffMember } from "../support/staff.ts";
import { startTestBed, type TestBed } from "../support/test-bed.ts";

/** Forwards to Postgres; with `refusing`, new connections are cut at once. */
async function startProxy(target: URL) {
  const state = { refusing: false };
  const server = net.createServer((socket) => {
    if (state.refusing) return socket.destroy();
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    socket.pipe(upstream).pipe(socket);
    socket.on("error", () => upstream.destroy());
    upstream.on("error", () => socket.destroy());
    socket.on("close", () => upstream.destroy());
    upstream.on("close", () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { state, server, port: (server.address() as net.AddressInfo).port };
}

const appName = `inbox-listener-${uid()}`;
const uncaught: Error[] = [];
let crash: (error: Error) => void = () => undefined;
/** Rejects with the first uncaught exception (in the app, the process guard would exit 1). */
const crashed = new Promise<never>((_, reject) => {
  crash = reject;
});
crashed.catch(() => undefined);
const onUncaught = (error: Error) => {
  uncaught.push(error);
  crash(error);
};
let proxy: Awaited<ReturnType<typeof startProxy>>;
let bed: TestBed;
let base: string;
let cookie: string;
let organisationId: string;
let programmeId: string;
const opened: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  process.on("uncaughtException", onUncaught);
  const url = new URL(testDatabaseUrl());
  proxy = await startProxy(new URL(url));
  url.hostname = "127.0.0.1";
  url.port = String(proxy.port);
  url.searchParams.set("application_name", appName);
  bed = await startTestBed({ env: { DATABASE_URL: url.toString() } });
  base = await bed.app.http.listen({ host: "127.0.0.1", port: 0 });
  const { organisation, programme } = await organisationWithCounsellor(bed.app.db);
  organisationId = organisation.id;
  programmeId = programme.id;
  const counsellor = await staffMember(bed.app.db, organisation.slug, "counsellor");
  cookie = `ceb_session=${await openSession(bed.app.db, counsellor.id)}`;
}, 30_000);
afterAll(async () => {
  process.off("uncaughtException", onUncaught);
  for (const cancel of opened) await cancel();
  await bed?.close();
  await new Promise((resolve) => proxy?.server.close(resolve));
});

/**
 * An open event stream (the inbox's unless told): `next(text)` waits until the stream carries
 * `text`, or ended (false); `event(name)` returns the data of the next event called `name`;
 * `ended()` reads to the end (a stream left open times the test out).
 */
async function inboxStream(path = "/console/inbox/events") {
  const response = await fetch(`${base}${path}`, { headers: { cookie } });
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const reader = response.body?.getReader();
  if (!reader) throw new Error("no body");
  const decoder = new TextDecoder();
  let text = "";
  opened.push(() => reader.cancel().catch(() => undefined));
  /** Reads until `wanted`; returns what came before it (and drops both), or undefined if ended. */
  const upTo = async (wanted: string): Promise<string | undefined> => {
    while (!text.includes(wanted)) {
      const chunk = await reader.read();
      if (chunk.done) return undefined;
      text += decoder.decode(chunk.value);
    }
    const before = text.slice(0, text.indexOf(wanted));
    text = text.slice(before.length + wanted.length);
    return before;
  };
  return {
    async next(wanted: string): Promise<boolean> {
      return (await upTo(wanted)) !== undefined;
    },
    async event(name: string): Promise<string | undefined> {
      if ((await upTo(`event: ${name}\n`)) === undefined) return undefined;
      return upTo("\n\n");
    },
    async ended(): Promise<true> {
      let chunk = await reader.read();
      while (!chunk.done) chunk = await reader.read();
      return true;
    },
  };
}

const notify = () =>
  bed.app.db.$executeRaw`SELECT pg_notify('inbox', ${JSON.stringify({ organisationId, handoverId: uid() })})`;

/**
 * Changes are drawn by an open stream (it may take a notice or two once its LISTEN is up); its
 * first event, the render it opens with, does not count.
 */
async function receivesChanges(stream: Awaited<ReturnType<typeof inboxStream>>): Promise<void> {
  await stream.next(": open");
  expect(await stream.event("inbox")).toBeDefined();
  const drawn = stream.next("event: inbox");
  // A Prisma query runs only once awaited (then/catch), so never `void notify()`.
  const ticker = setInterval(() => notify().catch(() => undefined), 300);
  try {
    expect(await drawn).toBe(true);
  } finally {
    clearInterval(ticker);
  }
}

test("a LISTEN that cannot open closes the stream, and the next stream listens", async () => {
  await notify(); // the app's own pool holds a connection already
  proxy.state.refusing = true;
  const refused = await inboxStream();
  try {
    expect(await refused.ended()).toBe(true); // not left beating with no data
  } finally {
    proxy.state.refusing = false;
  }
  const stream = await inboxStream();
  await receivesChanges(stream);
  expect(uncaught).toEqual([]);
}, 20_000);

test("a terminated LISTEN backend neither ends the process nor leaves streams without data", async () => {
  const first = await inboxStream();
  await receivesChanges(first);
  const killed = await bed.app.db.$queryRaw<{ terminated: boolean }[]>`
    SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
    WHERE application_name = ${appName} AND datname = current_database() AND query ILIKE 'LISTEN%'`;
  expect(killed).toEqual([{ terminated: true }]);
  expect(await Promise.race([first.ended(), crashed])).toBe(true); // closed, so htmx reconnects
  const again = await inboxStream();
  await receivesChanges(again);
  expect(uncaught).toEqual([]);
}, 20_000);

/** Resolves with `work`, or rejects after `ms` (a stream that sends nothing would hang the test). */
function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`nothing within ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** A client of the organisation with a case and a Telegram conversation, named uniquely. */
async function clientWithCase() {
  const name = `Client ${uid()}`;
  const client = await consentedClient(bed.app.db, { displayName: name });
  const conversation = await bed.app.db.conversation.findFirstOrThrow({ where: { clientId: client.id } });
  const found = await bed.app.db.case.create({
    data: { clientId: client.id, programmeId, status: "intake" },
  });
  return { name, conversationId: conversation.id, caseId: found.id };
}

test("an inbox stream that opens draws at once what changed while no stream was open", async () => {
  const { name, conversationId, caseId } = await clientWithCase();
  // Written straight to the table: no NOTIFY, no open stream; only the stream's first render shows it.
  await bed.app.db.handover.create({ data: { conversationId, caseId, organisationId, reason: "words" } });
  const stream = await inboxStream();
  const first = await within(stream.event("inbox"), 5000, "the inbox's first event");
  expect(first).toContain(name);
  expect(first).toContain(`/console/cases/${caseId}/conversation`);
  expect(uncaught).toEqual([]);
}, 20_000);

test("a conversation stream that opens draws at once a client message that came while it was away", async () => {
  const { conversationId, caseId } = await clientWithCase();
  const words = `Are you there? ${uid()}`;
  await bed.app.db.message.create({
    data: {
      conversationId,
      direction: "inbound",
      idempotencyKey: `in:test:${uid()}`,
      text: words,
      status: "received",
    },
  });
  const stream = await inboxStream(`/console/cases/${caseId}/conversation/events`);
  const first = await within(stream.event("transcript"), 5000, "the transcript's first event");
  expect(first).toContain(words);
}, 20_000);
