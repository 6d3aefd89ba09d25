/**
 * One pacer per channel, shared by all processes through Redis: a sender reserves a moment every
 * limit allows, waits for it, and right before the request asks `go`: no pause by any process's
 * 429, and room in every window counted from when messages really left. Bot and tenant limits are
 * lines of moments windowMs/limit apart; a chat's limit is only checked (a busy chat holds up no one).
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { ChannelName, RateLimit } from "../channels/types.ts";
import { redisScript } from "../store/redis.ts";

/** Added to every window: the time between the reservation and the request's arrival varies. */
export const MARGIN_MS = 25;
/** A `go` answered later than this (ms) is asked again (at most 3 times): counted when it leaves. */
const STALL_MS = 15;

/**
 * Scripts start from Redis time (µs). KEYS: the pause, a sorted set per limit. ARGV: member, horizon
 * ms (RESERVE) or 1 to count the send as gone (GO), then per limit: limit, window (µs), spacing (µs;
 * 0: a chat's). A set keeps what is younger than its window: moments to come, sends that left (GO).
 */
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])`;

// { 1, wait ms, at }: reserved on every set; { 0, ms }: the chat is busy; { 2, ms }: beyond the horizon.
const RESERVE = `${NOW}
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local chat = 0
for i = 2, #KEYS do
  local limit, window, spacing = tonumber(ARGV[3 * i - 3]), tonumber(ARGV[3 * i - 2]), tonumber(ARGV[3 * i - 1])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', string.format('(%.0f', now - window))
  local e = 0
  local last = redis.call('ZRANGE', KEYS[i], -1, -1, 'WITHSCORES')
  if last[2] then e = tonumber(last[2]) + spacing end
  local n = redis.call('ZCARD', KEYS[i])
  if n >= limit then
    e = math.max(e, tonumber(redis.call('ZRANGE', KEYS[i], n - limit, n - limit, 'WITHSCORES')[2]) + window)
  end
  if spacing > 0 then at = math.max(at, e) else chat = math.max(chat, e) end
end
if chat > at then return { 0, math.ceil((chat - now) / 1000) } end
if at - now > tonumber(ARGV[2]) * 1000 then return { 2, math.ceil((at - now) / 1000) } end
for i = 2, #KEYS do
  redis.call('ZADD', KEYS[i], at, ARGV[1])
  redis.call('PEXPIRE', KEYS[i], math.ceil((at - now + tonumber(ARGV[3 * i - 2])) / 1000) + 1000)
end
return { 1, math.ceil((at - now) / 1000), math.floor(at / 1000) }
`;

// { 1, ms }: paused; { 2, ms }: a window holds `limit` others (sends that left late, or another
// process's); { 0 }: neither, and with ARGV[2] the member is moved to now.
const GO = `${NOW}
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > now then return { 1, math.ceil((paused - now) / 1000) } end
local wait = 0
for i = 2, #KEYS do
  local window = tonumber(ARGV[3 * i - 2])
  local from = string.format('(%.0f', now - window)
  if redis.call('ZCOUNT', KEYS[i], from, now) >= tonumber(ARGV[3 * i - 3]) then -- else: no scan, no wait
    local w, others = redis.call('ZRANGEBYSCORE', KEYS[i], from, now, 'WITHSCORES'), 0
    for j = #w - 1, 1, -2 do
      if w[j] ~= ARGV[1] then others = others + 1 end
      if others == tonumber(ARGV[3 * i - 3]) then wait = math.max(wait, tonumber(w[j + 1]) + window - now) break end
    end
  end
end
if wait > 0 then return { 2, math.ceil(wait / 1000) } end
if ARGV[2] ~= '1' then return { 0, 0 } end
for i = 2, #KEYS do
  redis.call('ZADD', KEYS[i], 'GT', now, ARGV[1])
  local ttl = math.ceil(tonumber(ARGV[3 * i - 2]) / 1000) + 1000
  if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return { 0, 0 }
`;

// KEYS: the pause. ARGV: ms. Nothing goes before `ms` from now (a longer pause stays).
const PAUSE = `${NOW}
local ms = tonumber(ARGV[1])
if tonumber(redis.call('GET', KEYS[1]) or '0') < now + ms * 1000 then
  redis.call('SET', KEYS[1], string.format('%.0f', now + ms * 1000), 'PX', ms + 1000)
end
return 0
`;

// KEYS: a set per limit. ARGV: a member. A moment reserved but not used is free again.
const CANCEL = "for i = 1, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end return 0";

/** What a reservation gave: a moment `waitMs` from now, or none for `busyMs` (chat busy, line full). */
export type Reservation =
  | { reserved: true; waitMs: number; member: string /** The moment, ms of Redis time. */; at: number }
  | { reserved: false; busyMs: number; full: boolean };

/** At a moment: `waitMs` 0 to send now, else how long a pause (`paused`) or a full window lasts. */
export type Go = { waitMs: number; paused: boolean };

export interface Pacer {
  /** The next moment every limit allows a message to this conversation, within `horizonMs`. */
  reserve(conversationId: string, tenant: string | undefined, horizonMs: number): Promise<Reservation>;
  /** At a reserved moment: whether it may go now; with `leave`, it is counted as gone now. */
  go(conversationId: string, tenant: string | undefined, member: string, leave: boolean): Promise<Go>;
  /** Gives a reserved moment back (its message was not taken): it holds back no other. */
  cancel(conversationId: string, tenant: string | undefined, member: string): Promise<void>;
  /** After a 429: nothing is sent on this channel, by any process, for `ms`. */
  pause(ms: number): Promise<void>;
}

/** The pacer of `channel` under queue prefix `prefix`; `limits` [] makes one that never waits. */
export function createPacer(
  redis: Redis,
  prefix: string,
  channel: ChannelName,
  limits: readonly RateLimit[],
): Pacer {
  const reserveScript = redisScript<[number, number, number?]>(redis, "outboxReserve", RESERVE);
  const goScript = redisScript<[number, number]>(redis, "outboxGo", GO);
  const pauseScript = redisScript<number>(redis, "outboxPause", PAUSE, 1);
  const cancelScript = redisScript<number>(redis, "outboxCancel", CANCEL);
  const base = `${prefix}:pace:${channel}`;
  const pauseKey = `${base}:pause`;
  const args = limits.flatMap((l) => {
    const spacing = l.per === "conversation" ? 0 : Math.floor((l.windowMs * 1000) / l.limit);
    return [l.limit, (l.windowMs + MARGIN_MS) * 1000, spacing];
  });
  const scope = (l: RateLimit, chat: string, tenant: string) =>
    l.per === "bot" ? "bot" : l.per === "tenant" ? `tenant:${tenant}` : `chat:${chat}`;
  const keysOf = (conversationId: string, tenant = "") => [
    pauseKey,
    ...limits.map((l, i) => `${base}:${scope(l, conversationId, tenant)}:${i}`),
  ];
  let localPauseUntil = 0;
  return {
    async reserve(conversationId, tenant, horizonMs) {
      if (!limits.length) return { reserved: true, waitMs: 0, member: "", at: Date.now() };
      const keys = keysOf(conversationId, tenant);
      const id = randomUUID();
      const [ok, ms, at] = await reserveScript(keys.length, ...keys, id, horizonMs, ...args);
      if (Number(ok) === 1) return { reserved: true, waitMs: Number(ms), member: id, at: Number(at) };
      return { reserved: false, busyMs: Number(ms), full: Number(ok) === 2 };
    },
    async go(conversationId, tenant, member, leave) {
      // A 429 of this process counts even when Redis has not been told (its write failed).
      const local = Math.max(0, localPauseUntil - Date.now());
      let [code, ms] = [0, 0];
      const keys = keysOf(conversationId, tenant);
      for (let tries = 0; limits.length && tries < 3; tries++) {
        const asked = Date.now();
        const reply = await goScript(keys.length, ...keys, member, leave ? 1 : 0, ...args);
        [code, ms] = [Number(reply[0]), Number(reply[1])];
        // A slow answer (this process stalled): it leaves later than counted, so count it again.
        if (!leave || code || Date.now() - asked < STALL_MS) break;
      }
      const waitMs = code ? Math.max(1, ms) : 0;
      return local > waitMs ? { waitMs: local, paused: true } : { waitMs, paused: code === 1 };
    },
    async cancel(conversationId, tenant, member) {
      if (member) await cancelScript(limits.length, ...keysOf(conversationId, tenant).slice(1), member);
    },
    async pause(ms) {
      localPauseUntil = Math.max(localPauseUntil, Date.now() + ms);
      await pauseScript(pauseKey, Math.ceil(ms));
    },
  };
}
