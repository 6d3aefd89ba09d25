/**
 * Spacing a channel's sends evenly, across every worker process: each send first reserves the
 * channel's next free slot in Redis (one Lua call: a GCRA, "generic cell rate algorithm", with no
 * burst) and waits until it. Slots are `interval` apart, so no sliding second ever holds more
 * than the rate — unlike a fixed window ({ max: 30, duration: 1000 }), which lets 30 go at the
 * end of one second and 30 at the start of the next, and earns a 429 from a platform that counts
 * the last second.
 *
 * The interval keeps a margin for the jitter between reserving a slot and the request reaching
 * the platform: (1000 ms + JITTER_MS) / (rate − 1). At 30/s that is 28.2 messages/s, at
 * 1,000/s 974/s.
 *
 * Paid broadcasts (Telegram's allow_paid_broadcast): the channel's total then runs at the paid
 * rate, and messages that are not bulk also keep to the free rate on a slot line of their own,
 * so only broadcasts go above it.
 *
 * A broadcast's page (bulk-sender.ts) reserves a run of consecutive slots in one call, after
 * taking the gap of each chat in it, and sends each message at its own slot. After a 429 the
 * platform's `retry_after` pushes the lines forward (`pause`): every process waits.
 *
 * Late sends. A process that was busy when a slot came (a garbage collection, a database answer
 * to parse) sends late; sends that are late together arrive together. The margin above bounds
 * what that can do: a window of a second holds the slots of 1000 ms + JITTER_MS, so the sends of
 * any second stay within the rate as long as, at every instant, few enough sends are overdue
 * (their slot passed, not yet sent). A third of that margin (`lateBudget`) is for the sender,
 * the rest for the way to the platform (on the benchmark's 2-core machine, the fake platform's
 * own pauses took more than half of a 20 ms margin). A send at most `onTimeMs` late (two slots)
 * just goes; a later one asks `sendLate`, which keeps the line's late sends of the last second in
 * Redis and lets it go only while, at every instant of its lateness, fewer than the budget were
 * overdue, across all processes. Refused, it takes a new slot: its own is lost, which costs the
 * rate, not a 429.
 */
import type { Redis } from "ioredis";
import { redisScript } from "../store/redis.ts";

/** Allowance for request timing jitter between the reservation and the platform (ms). */
export const JITTER_MS = 25;
/** Late sends older than this (ms) are forgotten, and a send later than this takes a new slot. */
export const LATE_HORIZON_MS = 1000;
/** Lateness without asking sendLate is at most this many ms, and two slots. */
const ON_TIME_MS = 8;

// KEYS: the channel's slot line, the free-rate line (or ""), the chat's gap (or "").
// ARGV: slot interval (µs), free interval (µs), chat gap (ms). Returns -1 when the chat's gap is
// taken (nothing reserved), else the milliseconds to wait for the slot. The chat's gap runs from
// the slot, not from now: the next message to the chat waits the whole gap after this one goes.
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
if KEYS[3] ~= '' and wait > 0 then
  redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[3]) + math.ceil(wait / 1000))
end
return math.ceil(wait / 1000)
`;

// KEYS: the channel's slot line, a held set (held-claims.ts) or "", its epoch key or "", then the
// chats' gap keys. ARGV: slot interval (µs), chat gap (ms), the caller's epoch of the held set,
// then, with a held set, the message of each chat (in the order of the gap keys). Each chat whose
// message is no longer held is left alone (2: gone); each other chat whose gap is free has it
// taken, its message released from the held set and a slot reserved (1); the rest keep their
// message held (0: busy). When the set has been lost since the caller's epoch, every message is
// the caller's: taken if its chat is free (1), else busy (0) and held by nobody.
// Returns { µs to wait for the first slot, 1 if the set was lost, then the flag of each chat }.
// Each chat's gap runs from its own slot (as in RESERVE).
const RESERVE_RUN = `
local held = KEYS[2]
local lost = held ~= '' and redis.call('GET', KEYS[3]) ~= ARGV[3]
local check = held ~= '' and not lost
local flags = {}
local n = 0
for i = 4, #KEYS do
  if check and redis.call('ZSCORE', held, ARGV[i]) == false then
    flags[i - 3] = 2
  elseif ARGV[2] == '0' or redis.call('SET', KEYS[i], '1', 'PX', ARGV[2], 'NX') then
    if check then redis.call('ZREM', held, ARGV[i]) end
    flags[i - 3] = 1
    n = n + 1
  else
    flags[i - 3] = 0
  end
end
local wait = 0
if n > 0 then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local interval = tonumber(ARGV[1])
  local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
  if tat < now then tat = now end
  local after = tat + n * interval
  redis.call('SET', KEYS[1], string.format('%.0f', after), 'PX', math.ceil((after - now) / 1000) + 1000)
  wait = tat - now
  if ARGV[2] ~= '0' then
    local k = 0
    for i = 4, #KEYS do
      if flags[i - 3] == 1 then
        redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[2]) + math.ceil((wait + k * interval) / 1000))
        k = k + 1
      end
    end
  end
end
return { math.floor(wait), lost and 1 or 0, unpack(flags) }
`;

// KEYS: slot lines. ARGV: pause (ms). No slot on any line before now + pause.
const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local until_ = now + tonumber(ARGV[1]) * 1000
for i = 1, #KEYS do
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  if tat < until_ then
    redis.call('SET', KEYS[i], string.format('%.0f', until_), 'PX', tonumber(ARGV[1]) + 1000)
  end
end
return 1
`;

// KEYS: the line's late sends (a sorted set of "start|end|id" scored by end, in ms of Redis time).
// ARGV: lateness (ms), budget, id, horizon (ms). Records the send and returns 1 when, with it,
// at most `budget` late sends overlap at any instant of (now - lateness, now]; else returns 0.
const SEND_LATE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local from = now - tonumber(ARGV[1]) - 1
local to = now + 2
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[4]))
local events = {}
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. from, '+inf')) do
  local s, e = string.match(member, '^([^|]+)|([^|]+)|')
  table.insert(events, { math.max(tonumber(s), from), 1 })
  table.insert(events, { tonumber(e), -1 })
end
-- An overdue interval is (start, end]: at the same instant one ends before the next starts.
table.sort(events, function(a, b)
  if a[1] == b[1] then return a[2] < b[2] end
  return a[1] < b[1]
end)
local n, most = 0, 0
for _, event in ipairs(events) do
  n = n + event[2]
  if n > most then most = n end
end
if most + 1 > tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], to, string.format('%.3f|%.3f|%s', from, to, ARGV[3]))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]) * 2)
return 1
`;

const COMMAND = "reserveSendSlot";
const LATE_COMMAND = "sendLateOnLine";
const RUN_COMMAND = "reserveSendRun";
const PAUSE_COMMAND = "pauseSendLine";

/** Microseconds between two slots for `perSecond`, with the jitter margin. */
export function slotInterval(perSecond: number): number {
  if (perSecond <= 1) return Math.ceil((1000 + JITTER_MS) * 1000);
  return Math.ceil(((1000 + JITTER_MS) * 1000) / (perSecond - 1));
}

/** Sends that may be late at once, beyond `onTimeMs` (on the line of `perSecond`): see above. */
export function lateBudget(perSecond: number): number {
  const interval = slotInterval(perSecond) / 1000;
  const spare = perSecond - (Math.floor(1000 / interval) + 1);
  return Math.max(0, Math.floor(spare / 3) - Math.ceil(onTimeMs(perSecond) / interval));
}

/** Lateness that needs no check: ON_TIME_MS, and at most two slots. */
export function onTimeMs(perSecond: number): number {
  return Math.min(ON_TIME_MS, (2 * slotInterval(perSecond)) / 1000);
}

export interface SendPacer {
  /** Reserves the next slot for a message (bulk: a broadcast's) and resolves when it comes. */
  wait(bulk: boolean): Promise<void>;
  /** Reserves the next slot for a message and returns when it comes (epoch ms), without waiting. */
  reserve(bulk: boolean): Promise<number>;
  /**
   * The same, after taking a chat's gap (`gapKey` for `gapMs`) in the same Redis call; false,
   * with nothing reserved, when the chat's gap is taken.
   */
  waitWithGap(bulk: boolean, gapKey: string, gapMs: number): Promise<boolean>;
  /**
   * For a run of bulk messages, one per chat: takes each chat's gap that is free (`gapKeys`, for
   * `gapMs`; 0: no gaps) and reserves consecutive slots for those, in one Redis call. Returns which
   * chats were taken and when each taken one's slot comes: the k-th taken at
   * `startsAt + k * intervalMs` (epoch ms). Nothing is reserved for a chat whose gap was taken.
   * With `release` (a held set, held-claims.ts, the epoch its messages were held in, and each
   * chat's message id), a chat is taken only if its message is still held, and its message is
   * released from the set in the same call; a chat whose message is no longer held is `gone`
   * (nothing taken). When the set has been lost since that epoch, the messages are the caller's:
   * `heldLost`, and none is gone.
   */
  reserveRun(
    gapKeys: readonly string[],
    gapMs: number,
    release?: { key: string; epochKey: string; epoch: string; ids: readonly string[] },
  ): Promise<SlotRun>;
  /** After a 429: no slot on this channel's lines (in any process) before `ms` from now. */
  pause(ms: number): Promise<void>;
  /** A bulk send this late (ms) or less goes without asking sendLate. */
  readonly onTimeMs: number;
  /**
   * A bulk send `lateMs` after its slot: true (and recorded) when it may go now, false when too
   * many sends are overdue at once (it should take a new slot).
   */
  sendLate(lateMs: number): Promise<boolean>;
}

/** What reserveRun reserved. */
export interface SlotRun {
  /** Per gap key, in order: whether its chat was taken (and a slot reserved for it). */
  taken: boolean[];
  /** Per gap key, with `release`: its message was no longer held (someone else took it over). */
  gone: boolean[];
  /** With `release`: the held set was lost since the caller's epoch; its messages are its own. */
  heldLost: boolean;
  /** The first reserved slot (epoch ms, this process's clock). */
  startsAt: number;
  /** Between two reserved slots (ms). */
  intervalMs: number;
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
  const run = redisScript<number>(redis, COMMAND, RESERVE, 3);
  const runReserve = redisScript<number[]>(redis, RUN_COMMAND, RESERVE_RUN);
  const runPause = redisScript<number>(redis, PAUSE_COMMAND, PAUSE);
  const runLate = redisScript<number>(redis, LATE_COMMAND, SEND_LATE, 1);
  const bulkRate = paid || options.perSecond;
  const budget = lateBudget(bulkRate);
  const sender = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  let lateSends = 0;
  const total = String(slotInterval(bulkRate));
  const free = String(slotInterval(options.perSecond));
  const slotIn = async (bulk: boolean, gapKey: string, gapMs: number) => {
    const freeKey = paid && !bulk ? `${options.key}:free` : "";
    return Number(await run(options.key, freeKey, gapKey, total, free, String(gapMs)));
  };
  const reserve = async (bulk: boolean, gapKey: string, gapMs: number) => {
    const waitMs = await slotIn(bulk, gapKey, gapMs);
    if (waitMs < 0) return false;
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    return true;
  };
  return {
    async wait(bulk) {
      await reserve(bulk, "", 0);
    },
    waitWithGap: reserve,
    async reserve(bulk) {
      return Date.now() + (await slotIn(bulk, "", 0));
    },
    async reserveRun(gapKeys, gapMs, release) {
      if (!gapKeys.length)
        return { taken: [], gone: [], heldLost: false, startsAt: Date.now(), intervalMs: 0 };
      if (release && release.ids.length !== gapKeys.length)
        throw new Error("reserveRun: one message id per gap key");
      const [waitUs, lost, ...flags] = await runReserve(
        gapKeys.length + 3,
        options.key,
        release?.key ?? "",
        release?.epochKey ?? "",
        ...gapKeys,
        total,
        String(gapMs),
        release?.epoch ?? "",
        ...(release?.ids ?? []),
      );
      return {
        taken: flags.map((flag) => Number(flag) === 1),
        gone: flags.map((flag) => Number(flag) === 2),
        heldLost: Number(lost) === 1,
        startsAt: Date.now() + Number(waitUs) / 1000,
        intervalMs: Number(total) / 1000,
      };
    },
    onTimeMs: onTimeMs(bulkRate),
    async sendLate(lateMs) {
      if (budget < 1 || lateMs > LATE_HORIZON_MS) return false;
      const id = `${sender}-${++lateSends}`;
      const late = String(Math.ceil(lateMs));
      return Number(await runLate(`${options.key}:late`, late, budget, id, LATE_HORIZON_MS)) === 1;
    },
    async pause(ms) {
      const lines = paid ? [options.key, `${options.key}:free`] : [options.key];
      await runPause(lines.length, ...lines, String(Math.ceil(ms)));
    },
  };
}
