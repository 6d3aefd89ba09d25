/**
 * The fuzz test's generator: valid Telegram updates and web chat bodies, then a few random
 * mutations each (a field removed, a value of the wrong type, NUL or a lone surrogate in a string,
 * a huge or odd id, deep nesting, a body of about 1 MB). Deterministic for a seed.
 */

/** A number in [0, 1), like Math.random. */
export type Random = () => number;

/** mulberry32: small, fast and good enough to pick mutations. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const POISON_STRINGS = ["\u0000", "a\u0000b", "\ud800", "x\udc00y", "\ud83d", "/start \u0000", "\u202e", ""];
const ODD_VALUES: Json[] = [
  null,
  true,
  0,
  -1,
  1.5,
  2 ** 53,
  1e308,
  "",
  "12",
  [],
  {},
  [1, "a"],
  { a: { b: 1 } },
];

function validUpdate(random: Random, index: number): JsonObject {
  const userId = 1_000_000 + Math.floor(random() * 50_000);
  const from = {
    id: userId,
    is_bot: false,
    first_name: "Ana",
    language_code: pick(random, ["ro", "ar", "en"]),
  };
  // A quarter are private chats that reach the core (a turn costs far more than the door).
  const chat = { id: userId, type: pick(random, ["private", "group", "supergroup", "channel"]) };
  if (random() < 0.6) {
    const text = pick(random, ["/start", "hi", "1", "2", "/start abc123", "/help", "/delete", "Ja", "3"]);
    return { update_id: index, message: { message_id: index, date: 1_700_000_000, chat, from, text } };
  }
  const data = pick(random, ["language:ro", "consent:accept", "consent:decline", "x:y", "done:later"]);
  return {
    update_id: index,
    callback_query: {
      id: `cb-${index}`,
      from,
      chat_instance: "1",
      data,
      message: { message_id: 5, date: 1_700_000_000, chat, text: "…" },
    },
  };
}

/** Every path to a value inside `value` (objects and arrays), the root excluded. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== "object") return [];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((key) => {
    const path = [...prefix, key];
    return [path, ...paths((value as Record<string | number, Json>)[key] as Json, path)];
  });
}

function mutateAt(root: JsonObject, path: (string | number)[], change: (old: Json) => Json | undefined) {
  let node = root as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = path.at(-1) as string | number;
  const changed = change(node[last] as Json);
  if (changed === undefined) delete node[last];
  else node[last] = changed;
}

function nested(depth: number): Json {
  let value: Json = "deep";
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

function mutate(random: Random, root: JsonObject): void {
  const all = paths(root);
  if (!all.length) return;
  const path = pick(random, all);
  const kind = Math.floor(random() * 6);
  mutateAt(root, path, (old) => {
    if (kind === 0) return undefined;
    if (kind === 1) return structuredClone(pick(random, ODD_VALUES));
    if (kind === 2)
      return typeof old === "string" ? old + pick(random, POISON_STRINGS) : pick(random, POISON_STRINGS);
    if (kind === 3) return pick(random, [2 ** 64, -(2 ** 63), "9".repeat(4000), Number.MAX_VALUE, 0.1]);
    if (kind === 4) return nested(5 + Math.floor(random() * 40));
    return "x".repeat(Math.floor(random() * 5000));
  });
}

/** One request body for `door`, as text (deep nesting and 1 MB bodies are built as strings). */
export function mutatedBody(
  random: Random,
  index: number,
  door: "telegram" | "webchat",
  session = "",
): string {
  const roll = random();
  if (roll < 0.004) return `{"update_id":${index},"message":{"text":"${"x".repeat(1024 * 1024)}"}}`;
  if (roll < 0.008) return `{"update_id":${index},"message":${"[".repeat(20_000)}${"]".repeat(20_000)}}`;
  if (roll < 0.012) return pick(random, ["{", "null", "[]", '"x"', "1", "{}", '{"update_id":"1"}']);
  const body: JsonObject =
    door === "telegram"
      ? validUpdate(random, index)
      : {
          sessionId: session,
          messageId: `m${index}xxxxxxxxxxxxxxxxxxxxx`,
          ...(random() < 0.5 ? { text: pick(random, ["/start", "hi", "1"]) } : { choiceId: "language:ro" }),
          after: "0",
        };
  const mutations = roll < 0.15 ? 0 : 1 + Math.floor(random() * 3);
  for (let i = 0; i < mutations; i++) mutate(random, body);
  return JSON.stringify(body);
}
