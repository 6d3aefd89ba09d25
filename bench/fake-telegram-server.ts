/**
 * The broadcast benchmark's fake Bot API, in a process of its own (bench/broadcast.ts starts it
 * with an IPC channel). Telegram's servers do not share a CPU with the bot; on the benchmark's
 * machine the fake does, and every pause of its event loop (a garbage collection, the process
 * waiting for a core) stamps the requests that arrived meanwhile as arriving together: a burst
 * the real platform would not have seen, and a 429 from the sliding second that is the fake's
 * own doing. In a process of its own its heap stays small (short collections), and the benchmark
 * can give it a higher CPU priority than the workers, Postgres and Redis.
 *
 * It runs `test/support/fake-telegram.ts` with the limits in FAKE_LIMITS (JSON of its options),
 * says `{ type: "ready", apiRoot, token }`, and answers:
 * - `{ type: "start" }` (the broadcast begins) by starting its event loop's delay afresh;
 * - `{ type: "count" }` with `{ type: "count", sent }` (messages accepted so far);
 * - `{ type: "report" }` with `{ type: "report", sends, pauses }`: every sendMessage call as
 *   `[chat id, epoch ms, error code or 0, 1 if allow_paid_broadcast]`, and its event loop's delay
 *   (`monitorEventLoopDelay`: the longest and the 99th percentile, ms);
 * - `{ type: "close" }` by closing and exiting.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { type FakeTelegramOptions, startFakeTelegram } from "../test/support/fake-telegram.ts";

/** One sendMessage call: chat id, when (epoch ms), error code (0: accepted), paid flag (1/0). */
export type SendRecord = [chat: string, at: number, errorCode: number, paid: 0 | 1];

export type FakeReply =
  | { type: "ready"; apiRoot: string; token: string }
  | { type: "count"; sent: number }
  | { type: "report"; sends: SendRecord[]; pauses: { longestMs: number; p99Ms: number } };

export type FakeRequest = { type: "start" | "count" | "report" | "close" };

async function main() {
  if (!process.send) throw new Error("start this with an IPC channel (bench/broadcast.ts does)");
  const send = (reply: FakeReply) => process.send?.(reply);
  const options = JSON.parse(process.env.FAKE_LIMITS ?? "{}") as FakeTelegramOptions;
  const telegram = await startFakeTelegram(options);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  process.on("message", async (request: FakeRequest) => {
    if (request.type === "start") delay.reset();
    if (request.type === "count") send({ type: "count", sent: telegram.sentCount() });
    if (request.type === "report") {
      const sends = telegram.calls
        .filter((c) => c.method === "sendMessage")
        .map(
          (c): SendRecord => [
            String(c.payload.chat_id),
            c.at,
            c.errorCode ?? 0,
            c.payload.allow_paid_broadcast === true ? 1 : 0,
          ],
        );
      const pauses = {
        longestMs: Math.round(delay.max / 1e6),
        p99Ms: Math.round(delay.percentile(99) / 1e6),
      };
      send({ type: "report", sends, pauses });
    }
    if (request.type === "close") {
      delay.disable();
      await telegram.close();
      process.disconnect();
    }
  });
  // The benchmark went away without saying so.
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready", apiRoot: telegram.apiRoot, token: telegram.token });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
