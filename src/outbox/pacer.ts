/**
 * One pacer per channel, shared by every process through Redis: before each platform call a
 * sender reserves a moment at which every limit of the channel (ChannelSender.limits) allows it,
 * then waits for that moment. A 429 pauses the channel: no moment is given before its
 * `retry_after` has passed, and a sender whose moment comes during a pause does not send.
 *
 * Each limit is a sorted set of reserved moments (µs of Redis time). A bot or tenant limit is a
 * line: moments are handed out in order, at least windowMs/limit apart, and never more than
 * `limit` within windowMs + MARGIN_MS. A conversation limit is only checked: when the chat has no
 * room at the line's next moment, nothing is reserved and the sender is told how long to wait, so
 * a busy chat never holds up the line for the others.
 */
import type { Redis } from "ioredis";
import type { ChannelName, RateLimit } from "../channels/types.ts";
import { redisScript } from "../store/redis.ts";

/** Added to every window: the time between the reservation and the request's arrival varies. */
export const MARGIN_MS = 25;

// KEYS: the pause, then one sorted set per limit, the lines (bot, tenant) first.
// ARGV: a unique member, the number of lines, the horizon (ms), then per limit: limit, window (µs),
// spacing (µs). Returns { 1, ms to wait } with the moment reserved on every set; { 0, ms } when a
// chat's limit has no room at the line's next moment, or { 2, ms } when that moment is beyond the
// horizon (nothing reserved either way: ask again after ms).
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local chat = 0
for i = 2, #KEYS do
  local a = 4 + (i - 2) * 3
  local limit, window, spacing = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  local e = 0
  local last = redis.call('ZRANGE', KEYS[i], -1, -1, 'WITHSCORES')
  if last[2] then e = tonumber(last[2]) + spacing end
  local n = redis.call('ZCARD', KEYS[i])
  if n >= limit then
    e = math.max(e, tonumber(redis.call('ZRANGE', KEYS[i], n - limit, n - limit, 'WITHSCORES')[2]) + window)
  end
  if i - 1 <= tonumber(ARGV[2]) then at = math.max(at, e) else chat = math.max(chat, e) end
end
if chat > at then return { 0, math.ceil((chat - now) / 1000) } end
if at - now > tonumber(ARGV[3]) * 1000 then return { 2, math.ceil((at - now) / 1000) } end
for i = 2, #KEYS do
  local a = 4 + (i - 2) * 3
  redis.call('ZADD', KEYS[i], at, ARGV[1])
  redis.call('ZREMRANGEBYRANK', KEYS[i], 0, -(tonumber(ARGV[a]) + 1))
  redis.call('PEXPIRE', KEYS[i], math.ceil((at - now + tonumber(ARGV[a + 1])) / 1000) + 1000)
end
return { 1, math.ceil((at - now) / 1000), math.floor(at / 1000) }
`;

// KEYS: the pause, then the chat's sorted sets. ARGV: the reservation's member. Returns the ms left
// of a pause (nothing changed), or 0 after moving the member to now on each chat's set: a chat's
// window runs from when its message really left, however late its sender woke.
const GO = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > now then return math.ceil((paused - now) / 1000) end
for i = 2, #KEYS do redis.call('ZADD', KEYS[i], 'XX', 'GT', now, ARGV[1]) end
return 0
`;

// KEYS: the pause. ARGV: ms, or 0 to read. Returns the ms left of the pause (0: none).
const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local ms = tonumber(ARGV[1])
if ms > 0 and tonumber(redis.call('GET', KEYS[1]) or '0') < now + ms * 1000 then
  redis.call('SET', KEYS[1], string.format('%.0f', now + ms * 1000), 'PX', ms + 1000)
end
return math.max(0, math.ceil((tonumber(redis.call('GET', KEYS[1]) or '0') - now) / 1000))
`;

/** What a reservation gave: a moment `waitMs` from now, or none for `busyMs` (chat busy, line full). */
export type Reservation =
  | { reserved: true; waitMs: number; member: string /** The moment, ms of Redis time. */; at: number }
  | { reserved: false; busyMs: number; full: boolean };

export interface Pacer {
  /**
   * Reserves the next moment at which every limit allows a message to this conversation, if it
   * comes within `horizonMs`.
   */
  reserve(conversationId: string, tenant: string | undefined, horizonMs: number): Promise<Reservation>;
  /**
   * When a reserved moment has come: the ms left of a pause that began meanwhile (do not send),
   * or 0, with the chat's window moved to start now (send at once).
   */
  go(conversationId: string, member: string): Promise<number>;
  /** After a 429: nothing is sent on this channel, by any process, for `ms`. */
  pause(ms: number): Promise<void>;
  /** How long the channel is still paused (ms; 0: not paused), by any process's 429. */
  pausedFor(): Promise<number>;
  /** This process's own knowledge of a pause, without asking Redis (ms left). */
  pausedLocally(): number;
}

let members = 0;

/** The pacer of `channel` under queue prefix `prefix`; `limits` [] makes one that never waits. */
export function createPacer(
  redis: Redis,
  prefix: string,
  channel: ChannelName,
  limits: readonly RateLimit[],
): Pacer {
  const reserveScript = redisScript<[number, number, number?]>(redis, "outboxReserve", RESERVE);
  const pauseScript = redisScript<number>(redis, "outboxPause", PAUSE, 1);
  const goScript = redisScript<number>(redis, "outboxGo", GO);
  const base = `${prefix}:pace:${channel}`;
  const pauseKey = `${base}:pause`;
  const ordered = [...limits].sort(
    (a, b) => Number(a.per === "conversation") - Number(b.per === "conversation"),
  );
  const lines = ordered.filter((l) => l.per !== "conversation").length;
  const member = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  let localPauseUntil = 0;
  const keysOf = (conversationId: string, tenant: string) =>
    ordered.map((limit, i) => {
      const scope =
        limit.per === "bot" ? "bot" : limit.per === "tenant" ? `tenant:${tenant}` : `chat:${conversationId}`;
      return `${base}:${scope}:${i}`;
    });
  return {
    async reserve(conversationId, tenant = "", horizonMs) {
      if (!ordered.length) return { reserved: true, waitMs: 0, member: "", at: Date.now() };
      const keys = keysOf(conversationId, tenant);
      const args = ordered.flatMap((limit) => [
        limit.limit,
        (limit.windowMs + MARGIN_MS) * 1000,
        limit.per === "conversation" ? 0 : Math.floor((limit.windowMs * 1000) / limit.limit),
      ]);
      const id = `${member}-${++members}`;
      const [ok, ms, at] = await reserveScript(
        keys.length + 1,
        pauseKey,
        ...keys,
        id,
        lines,
        horizonMs,
        ...args,
      );
      if (Number(ok) === 1) return { reserved: true, waitMs: Number(ms), member: id, at: Number(at) };
      return { reserved: false, busyMs: Number(ms), full: Number(ok) === 2 };
    },
    async go(conversationId, member) {
      if (!ordered.length) return Math.max(0, localPauseUntil - Date.now());
      const chats = keysOf(conversationId, "").filter((_, i) => ordered[i]?.per === "conversation");
      return Number(await goScript(chats.length + 1, pauseKey, ...chats, member));
    },
    async pause(ms) {
      localPauseUntil = Math.max(localPauseUntil, Date.now() + ms);
      await pauseScript(pauseKey, Math.ceil(ms));
    },
    async pausedFor() {
      const local = Math.max(0, localPauseUntil - Date.now());
      if (!ordered.length) return local;
      return Math.max(local, Number(await pauseScript(pauseKey, 0)));
    },
    pausedLocally: () => Math.max(0, localPauseUntil - Date.now()),
  };
}
