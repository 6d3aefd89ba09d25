/**
 * What the scheduling commands need besides the database: the nudge queue and the outbox on one
 * Redis connection (built as src/app.ts builds them), and the translator for the notices written
 * to clients. main.ts opens them on first use only, so commands that do not schedule never touch
 * Redis, and closes them before the process exits; tests pass their own.
 */
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Config } from "../config.ts";
import { type BroadcastJobData, createBroadcastQueue } from "../domain/broadcasts/broadcast-queue.ts";
import { createFarewellQueue, type FarewellJobData } from "../domain/privacy/farewell-queue.ts";
import { createTranslator } from "../i18n/i18n.ts";
import type { Translator } from "../i18n/translator.ts";
import { createOutbox, type Outbox, type OutboxPort } from "../outbox/outbox.ts";
import { createNudgeQueue, type NudgeJobData } from "../scheduling/nudge-queue.ts";
import type { Db } from "../store/prisma.ts";
import { assertRedisReachable, createRedis } from "../store/redis.ts";

/** The queue, outbox and translator the appointment and placement commands hand to the domain. */
export interface SchedulingServices {
  queue: Queue<NudgeJobData>;
  /** The broadcasts queue (the broadcast commands schedule their fan-out on it; main.ts always opens it). */
  broadcasts?: Queue<BroadcastJobData>;
  /** The last messages after `case erase`, for the running bot to send (main.ts always opens it). */
  farewells?: Queue<FarewellJobData>;
  outbox: OutboxPort;
  translator: Translator;
}

/** Gives the scheduling services when a command asks for them. */
export type SchedulingProvider = () => Promise<SchedulingServices>;

/** Services opened on the first `get()`; `close()` ends them (a no-op when never opened). */
export interface LazySchedulingServices {
  get: SchedulingProvider;
  close(): Promise<void>;
}

interface Opened {
  services: SchedulingServices;
  redis: Redis;
  queue: Queue<NudgeJobData>;
  broadcasts: Queue<BroadcastJobData>;
  farewells: Queue<FarewellJobData>;
  outbox: Outbox;
}

/** The services for `config` on `db`, opened on first use. */
export function lazySchedulingServices(config: Config, db: Db): LazySchedulingServices {
  let opening: Promise<Opened> | undefined;
  const open = async (): Promise<Opened> => {
    // Fails fast with what to do, instead of waiting forever for a Redis that is not there.
    await assertRedisReachable(config.REDIS_URL);
    const translator = await createTranslator({
      localesDir: config.LOCALES_DIR,
      fallbackLocale: "en",
      timeZone: config.TZ_DEFAULT,
    });
    const redis = createRedis(config.REDIS_URL);
    redis.on("error", () => {}); // a failing command reports it; no unhandled 'error' event
    const queue = createNudgeQueue(redis, config.QUEUE_PREFIX);
    // Written only: the running app's senders find the messages in the table.
    const outbox = createOutbox({ db, queue: config.QUEUE_PREFIX });
    const broadcasts = createBroadcastQueue(redis, config.QUEUE_PREFIX);
    const farewells = createFarewellQueue(redis, config.QUEUE_PREFIX);
    const services = { queue, broadcasts, farewells, outbox, translator };
    return { services, redis, queue, broadcasts, farewells, outbox };
  };
  return {
    async get() {
      opening ??= open();
      return (await opening).services;
    },
    async close() {
      const opened = await opening?.catch(() => undefined);
      if (!opened) return;
      await opened.outbox.close();
      await opened.queue.close();
      await opened.broadcasts.close();
      await opened.farewells.close();
      await opened.redis.quit().catch(() => opened.redis.disconnect());
    },
  };
}
