/**
 * Broadcasts end to end: the real app with its workers, the outbox and the fake Telegram server
 * answering 429s and 403s. Every reachable person gets exactly one message in their language (or
 * the fallback the counsellor chose); the report accounts for everyone and shows who replied;
 * a cancelled broadcast sends nothing more; a reminder is not held up behind a broadcast.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { App } from "../../src/app.ts";
import { broadcastReport } from "../../src/domain/broadcasts/broadcast-report.ts";
import {
  type BroadcastInput,
  cancelBroadcast,
  createBroadcast,
} from "../../src/domain/broadcasts/broadcasts.ts";
import { broadcastOrganisation, type MemberSpec } from "../domain/broadcasts/segment-fixture.ts";
import { eventually } from "../outbox/outbox-harness.ts";
import { lastMidday } from "../support/daytime.ts";
import { type FakeTelegram, privateTextUpdate } from "../support/fake-telegram.ts";
import { postUpdate } from "../support/test-app.ts";
import { startTestBed, type TestBedWithTelegram } from "../support/test-bed.ts";

const sendsTo = (telegram: FakeTelegram, chatId: string) =>
  telegram.sent().filter((p) => String(p.chat_id) === chatId);

/** The app with its workers and a fake Telegram; `env` over the test app's settings. */
const start = (env: Record<string, string> = {}) => startTestBed({ telegram: true, workers: true, env });

async function broadcast(app: App, org: { slug: string }, email: string, input: Partial<BroadcastInput>) {
  const { broadcast } = await createBroadcast(
    { db: app.db, queue: app.broadcastQueue, defaultTimeZone: "UTC", now: lastMidday },
    {
      organisationSlug: org.slug,
      counsellorEmail: email,
      texts: { ro: "Curs nou de stivuitorist luni la 9." },
      ...input,
    },
  );
  return broadcast;
}

describe("a broadcast to a mixed-language segment", () => {
  let bed: TestBedWithTelegram;
  beforeAll(async () => {
    bed = await start();
  });
  afterAll(() => bed?.close());

  test("429s and 403s: each reachable person gets exactly one message in a language they read; the report accounts for all", async () => {
    const specs: MemberSpec[] = [
      ...Array.from({ length: 5 }, () => ({ locale: "ro" })),
      ...Array.from({ length: 3 }, () => ({ locale: "ar" })),
      { locale: "rom" },
      { locale: "rom" },
      { locale: "ro", conversation: "opted_out" },
      { locale: "ro", conversation: "blocked" },
    ];
    const { organisation, counsellor, members } = await broadcastOrganisation(bed.app.db, specs);
    const blocker = members[1];
    if (!blocker) throw new Error("fixture");
    bed.telegram.blockChat(blocker.chatId);
    bed.telegram.failNext(
      "sendMessage",
      { error_code: 429, description: "Too Many Requests", retry_after: 1 },
      2,
    );

    const sent = await broadcast(bed.app, organisation, counsellor.email, {
      texts: { ro: "Curs nou de stivuitorist luni la 9.", ar: "دورة جديدة لقيادة الرافعة يوم الاثنين." },
      fallbacks: { rom: "ro" },
      kind: "job_update",
    });
    const report = await eventually(
      async () => {
        const r = await broadcastReport(bed.app.db, {
          broadcastId: sent.id,
          organisationSlug: organisation.slug,
        });
        return r.broadcast.status === "sent" && r.pending === 0 ? r : undefined;
      },
      20_000,
      "the broadcast to be delivered",
    );

    const header = (locale: string) =>
      bed.app.translator.t("broadcasts.job_update", locale, { text: "" }).split("\n")[0] ?? "?";
    for (const member of members) {
      const got = sendsTo(bed.telegram, member.chatId);
      if (member === blocker || member.spec.conversation) {
        expect(got, `${member.spec.locale} ${member.spec.conversation ?? "403"}`).toHaveLength(0);
        continue;
      }
      expect(got, `one message for ${member.chatId}`).toHaveLength(1);
      const text = String(got[0]?.text);
      if (member.spec.locale === "ar") {
        expect(text).toContain("دورة جديدة");
        expect(text).toContain(header("ar"));
      } else {
        // Romani readers get the Romanian text, as the counsellor chose, under the Romanian header.
        expect(text).toContain("Curs nou de stivuitorist");
        expect(text).toContain(header("ro"));
      }
    }
    expect(bed.telegram.calls.filter((c) => c.errorCode === 429)).toHaveLength(2);
    expect(
      (await bed.app.db.conversation.findUniqueOrThrow({ where: { id: blocker.conversationId ?? "" } }))
        .status,
    ).toBe("blocked");
    expect(report).toMatchObject({
      recipients: 12,
      sent: 9,
      pending: 0,
      failed: 0,
      blocked: 2,
      optedOut: 1,
      noText: 0,
      cancelled: 0,
    });

    const replier = members.find((m) => m.spec.locale === "ar");
    if (!replier) throw new Error("fixture");
    await postUpdate(
      bed.app,
      privateTextUpdate({ userId: Number(replier.chatId), text: "نعم، أنا مهتم", messageId: 77 }),
    );
    const after = await broadcastReport(bed.app.db, {
      broadcastId: sent.id,
      organisationSlug: organisation.slug,
    });
    expect(after.replied.map((r) => r.caseId)).toEqual([replier.caseId]);
  });

  test("a job reminder written during a broadcast goes before the broadcast's remaining messages", async () => {
    const { organisation, counsellor, members } = await broadcastOrganisation(
      bed.app.db,
      Array.from({ length: 40 }, () => ({ locale: "ro" })),
    );
    const sent = await broadcast(bed.app, organisation, counsellor.email, {});
    await eventually(
      async () => (await bed.app.db.message.count({ where: { broadcastId: sent.id } })) === 40,
    );
    const target = members[39];
    if (!target?.conversationId) throw new Error("fixture");
    // Like a reminder: a proactive message without a broadcast, written while the queue is full.
    await bed.app.outbox.enqueue({
      conversationId: target.conversationId,
      idempotencyKey: `reminder-like:${sent.id}`,
      messageKey: "appointments.notice",
      message: { text: "Reminder: tomorrow 10:00", locale: "ro", direction: "ltr" },
    });
    await eventually(
      async () =>
        (await broadcastReport(bed.app.db, { broadcastId: sent.id, organisationSlug: organisation.slug }))
          .sent === 40,
      10_000,
    );
    const final = bed.telegram
      .sent()
      .filter((p) => members.some((m) => m.chatId === String(p.chat_id)))
      .map((p) => p.text);
    // 40 broadcast messages at 28/s take over a second: the reminder overtakes most of them.
    expect(final).toHaveLength(41);
    expect(final.indexOf("Reminder: tomorrow 10:00")).toBeLessThan(final.length - 5);
  });
});

test("cancel while it runs: nothing more is sent, and the report adds up", async () => {
  const { app, telegram, close } = await start({ TELEGRAM_RATE_PER_SECOND: "4" });
  try {
    const { organisation, counsellor, members } = await broadcastOrganisation(
      app.db,
      Array.from({ length: 20 }, () => ({ locale: "ro" })),
    );
    const sent = await broadcast(app, organisation, counsellor.email, {});
    const chats = new Set(members.map((m) => m.chatId));
    const delivered = () => telegram.sent().filter((p) => chats.has(String(p.chat_id))).length;
    await eventually(async () => delivered() >= 2, 10_000, "two messages to go out");
    const { withdrawn } = await cancelBroadcast(app.db, {
      broadcastId: sent.id,
      organisationSlug: organisation.slug,
    });
    expect(withdrawn).toBeGreaterThan(0);
    const report = await eventually(async () => {
      const r = await broadcastReport(app.db, { broadcastId: sent.id, organisationSlug: organisation.slug });
      return r.pending === 0 ? r : undefined;
    });
    // Give the workers time to (wrongly) send a withdrawn message.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(delivered()).toBe(report.sent);
    expect(report.sent).toBeLessThan(20);
    expect(report.sent + report.cancelled).toBe(20);
    expect(report.broadcast.status).toBe("cancelled");
  } finally {
    await close();
  }
});
