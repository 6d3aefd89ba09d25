/**
 * The reconciler's part for broadcasts: a broadcast still scheduled (or sending) whose job Redis
 * lost gets it back; a cancelled one does not.
 */
import { afterAll, expect, test } from "vitest";
import { broadcastJobId, createBroadcastQueue } from "../../../src/domain/broadcasts/broadcast-queue.ts";
import { reconcileBroadcasts } from "../../../src/domain/broadcasts/broadcast-worker.ts";
import { cancelBroadcast, createBroadcast } from "../../../src/domain/broadcasts/broadcasts.ts";
import { createRedis } from "../../../src/store/redis.ts";
import { lastMidday } from "../../support/daytime.ts";
import { testDb } from "../../support/db.ts";
import { TEST_REDIS_URL } from "../../support/env.ts";
import { removeKeys, testPrefix } from "../../support/redis-keys.ts";
import { broadcastOrganisation } from "./segment-fixture.ts";

const db = testDb();
const redis = createRedis(TEST_REDIS_URL);
const prefix = testPrefix();
const queue = createBroadcastQueue(redis, prefix);
afterAll(async () => {
  await queue.close();
  redis.disconnect();
  await removeKeys(prefix);
  await db.$disconnect();
});

test("a scheduled broadcast whose job was lost gets it back; a cancelled one does not", async () => {
  const { organisation, counsellor } = await broadcastOrganisation(db, [{ locale: "ro" }]);
  const input = {
    organisationSlug: organisation.slug,
    counsellorEmail: counsellor.email,
    texts: { ro: "Atelier joi" },
    at: "2099-06-01 10:00",
  };
  const deps = { db, queue, defaultTimeZone: "Europe/Brussels", now: lastMidday };
  const { broadcast: kept } = await createBroadcast(deps, input);
  const { broadcast: cancelled } = await createBroadcast(deps, input);
  await cancelBroadcast(db, { broadcastId: cancelled.id, organisationSlug: organisation.slug });

  // Redis loses everything (a restart without persistence).
  await queue.obliterate({ force: true });
  expect(await queue.getJobState(broadcastJobId(kept.id))).toBe("unknown");

  expect(await reconcileBroadcasts(db, queue)).toBeGreaterThanOrEqual(1);
  const job = await queue.getJob(broadcastJobId(kept.id));
  expect(job?.data.broadcastId).toBe(kept.id);
  expect(await job?.getState()).toBe("delayed");
  // Due at its time: timestamp + delay is the broadcast's sendAt.
  expect((job?.timestamp ?? 0) + (job?.opts.delay ?? 0)).toBeGreaterThanOrEqual(kept.sendAt.getTime() - 1000);
  expect(await queue.getJobState(broadcastJobId(cancelled.id))).toBe("unknown");

  // Running it again adds nothing twice.
  await reconcileBroadcasts(db, queue);
  expect(await queue.getDelayedCount()).toBeGreaterThanOrEqual(1);
  expect((await queue.getDelayed()).filter((j) => j.data.broadcastId === kept.id)).toHaveLength(1);
});
