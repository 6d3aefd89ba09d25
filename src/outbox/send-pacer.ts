/**
 * Spacing a channel's sends evenly, across every worker process: each send first reserves the
 * channel's next free slot in Redis (one Lua call: a GCRA, "generic cell rate algorithm", with no
 * burst) and waits until it. Slots are `interval` apart, so no sliding second ever holds more
 * than the rate — unlike a fixed window ({ max: 30, duration: 1000 }), which lets 30 go at the
 * end of one second and 30 at the start of the next, and earns a 429 from a platform that counts
 * the last second.
 *
 * The interval keeps a margin for the jitter between reserving a slot and the request reaching
 * the platform: (1000 ms + JITTER_MS) / (rate − 1). At 30/s that is 28.4 messages/s, at
 * 1,000/s 979/s.
 *
 * Paid broadcasts (Telegram's allow_paid_broadcast): the channel's total then runs at the paid
 * rate, and messages that are not bulk also keep to the free rate on a slot line of their own,
 * so only broadcasts go above it.
 */
import type { Redis } from "ioredis";

/** Allowance for request timing jitter between the reservation and the platform (ms). */
export const JITTER_MS = 20;

// KEYS: the channel's slot line, the free-rate line (or ""), the chat's gap (or "").
// ARGV: slot interval (µs), free interval (µs), chat gap (ms). Returns -1 when the chat's gap is
// taken (nothing reserved), else the milliseconds to wait for the slot.
const RESERVE = `
if KEYS[3] ~= '' and redis.call('SET', KEYS[3], '1', 'PX', ARGV[3], 'NX') == false then return -1 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local function reserve(key, interval)
  local tat = tonumber(redis.call('GET', key) or '0')
  if tat < now then tat = now end
  redis.call('SET', key, string.format('%.0f', tat + interval), 'PX', math.ceil((tat + interval - now) / 1000) + 1000)
  return tat - now
end
local wait = reserve(KEYS[1], tonumber(ARGV[1]))
if KEYS[2] ~= '' then wait = math.max(wait, reserve(KEYS[2], tonumber(ARGV[2]))) end
return math.ceil(wait / 1000)
`;

const COMMAND = "reserveSendSlot";

/** Microseconds between two slots for `perSecond`, with the jitter margin. */
export function slotInterval(perSecond: number): number {
  if (perSecond <= 1) return Math.ceil((1000 + JITTER_MS) * 1000);
  return Math.ceil(((1000 + JITTER_MS) * 1000) / (perSecond - 1));
}

export interface SendPacer {
  /** Reserves the next slot for a message (bulk: a broadcast's) and resolves when it comes. */
  wait(bulk: boolean): Promise<void>;
  /**
   * The same, after taking a chat's gap (`gapKey` for `gapMs`) in the same Redis call; false,
   * with nothing reserved, when the chat's gap is taken.
   */
  waitWithGap(bulk: boolean, gapKey: string, gapMs: number): Promise<boolean>;
}

export interface SendPacerOptions {
  redis: Redis;
  /** `<prefix>:pace:<channel>`. */
  key: string;
  /** The channel's free rate (Telegram: 30). */
  perSecond: number;
  /** The paid broadcast rate, higher than perSecond; 0 or absent: none. */
  paidPerSecond?: number;
}

export function createSendPacer(options: SendPacerOptions): SendPacer {
  const { redis } = options;
  const paid = options.paidPerSecond && options.paidPerSecond > options.perSecond ? options.paidPerSecond : 0;
  // EVALSHA after the first call (ioredis loads the script once per connection).
  if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { numberOfKeys: 3, lua: RESERVE });
  type Reserve = (...args: string[]) => Promise<number>;
  const run = (redis as unknown as Record<string, Reserve>)[COMMAND] as Reserve;
  const total = String(slotInterval(paid || options.perSecond));
  const free = String(slotInterval(options.perSecond));
  const reserve = async (bulk: boolean, gapKey: string, gapMs: number) => {
    const freeKey = paid && !bulk ? `${options.key}:free` : "";
    const waitMs = Number(await run.call(redis, options.key, freeKey, gapKey, total, free, String(gapMs)));
    if (waitMs < 0) return false;
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    return true;
  };
  return {
    async wait(bulk) {
      await reserve(bulk, "", 0);
    },
    waitWithGap: reserve,
  };
}
