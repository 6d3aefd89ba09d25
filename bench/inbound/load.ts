/**
 * The load generator of bench/inbound.ts: virtual Telegram users posting updates to a bot's
 * webhook, each waiting for the webhook's 200 and the first reply the fake Bot API receives for
 * its chat. A user walks through SESSION (the start of onboarding and a questionnaire answer),
 * then is replaced by a new person, so the mix of updates stays the same however long it runs.
 * Each user has one update in flight at most, as a person has.
 */
import http from "node:http";

export type StepKind = "start" | "language" | "consent" | "offer" | "answer" | "text";

/** One pass through the bot, the same for both bots (the echo bot just echoes it). */
export const SESSION: { kind: StepKind; text?: string; tap?: string }[] = [
  { kind: "start", text: "/start" },
  { kind: "language", tap: "language:en" },
  { kind: "consent", tap: "consent:accept" },
  { kind: "offer", tap: "done:now" },
  { kind: "answer", tap: "" }, // the first button of the question asked
  { kind: "text", text: "I would like to work in a kitchen" },
];

interface User {
  id: number;
  step: number;
  messageId: number;
  buttons: string[];
  sends: number;
  waiter?: () => void;
}

const TIMEOUT_MS = 30_000;

// Across every Load of a run: a person or an update id used once is never used again (the bot
// would take a repeated update id for a redelivery and skip it).
let nextPerson = 1_000_000;
let nextUpdateId = 1;

export class Load {
  private readonly users: User[] = [];
  private readonly idle: User[] = [];
  private readonly byChat = new Map<number, User>();
  private readonly idleWaiters: ((user: User) => void)[] = [];
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  timeouts = 0;
  errors = 0;

  private readonly port: number;
  private readonly secret: string;

  constructor(port: number, secret: string, userCount = 200) {
    this.port = port;
    this.secret = secret;
    for (let i = 0; i < userCount; i++) {
      const user: User = { id: 0, step: 0, messageId: 1, buttons: [], sends: 0 };
      this.renew(user);
      this.users.push(user);
      this.idle.push(user);
    }
  }

  /** The fake Bot API received a sendMessage for `chatId`. */
  onSend(chatId: number, buttons: string[]): void {
    const user = this.byChat.get(chatId);
    if (!user) return;
    if (buttons.length) user.buttons = buttons;
    user.sends++;
    user.waiter?.();
  }

  private renew(user: User): void {
    this.byChat.delete(user.id);
    user.id = nextPerson++;
    user.step = 0;
    user.buttons = [];
    this.byChat.set(user.id, user);
  }

  private update(user: User): { kind: StepKind; body: object } {
    const step = SESSION[user.step] ?? SESSION[0];
    if (!step) throw new Error("empty session");
    const chat = { id: user.id, type: "private", first_name: "Ana" };
    const from = { id: user.id, is_bot: false, first_name: "Ana", language_code: "en" };
    const date = Math.floor(Date.now() / 1000);
    const update_id = nextUpdateId++;
    const message_id = user.messageId++;
    if (step.text !== undefined) {
      return {
        kind: step.kind,
        body: { update_id, message: { message_id, date, chat, from, text: step.text } },
      };
    }
    const wanted = step.tap ?? "";
    const data = (wanted && user.buttons.find((b) => b === wanted)) || user.buttons[0] || wanted || "x:y";
    const message = { message_id, date, chat, text: "…" };
    return {
      kind: step.kind,
      body: { update_id, callback_query: { id: `q${update_id}`, from, chat_instance: "1", data, message } },
    };
  }

  private post(body: object): Promise<number> {
    const data = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port: this.port,
          path: "/telegram/webhook",
          method: "POST",
          agent: this.agent,
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(data),
            "x-telegram-bot-api-secret-token": this.secret,
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end(data);
    });
  }

  private firstReply(user: User): Promise<void> {
    const base = user.sends;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        user.waiter = undefined;
        reject(new Error("no reply"));
      }, TIMEOUT_MS);
      user.waiter = () => {
        if (user.sends <= base) return;
        clearTimeout(timer);
        user.waiter = undefined;
        resolve();
      };
    });
  }

  /** Sends the user's next update; resolves when the webhook said 200 and the reply arrived. */
  async send(user: User): Promise<StepKind> {
    const { kind, body } = this.update(user);
    const reply = this.firstReply(user);
    try {
      const status = await this.post(body);
      if (status !== 200) this.errors++;
      await reply;
    } catch {
      this.timeouts++;
    }
    user.step++;
    if (user.step >= SESSION.length) this.renew(user);
    return kind;
  }

  takeIdle(): Promise<User> {
    const user = this.idle.shift();
    return user ? Promise.resolve(user) : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  release(user: User): void {
    const waiter = this.idleWaiters.shift();
    if (waiter) waiter(user);
    else this.idle.push(user);
  }

  /** `inFlight` updates at all times for `durationMs`; returns how many completed, and the time. */
  async saturate(durationMs: number, inFlight = 32): Promise<{ done: number; ms: number }> {
    const started = performance.now();
    let done = 0;
    const worker = async () => {
      while (performance.now() - started < durationMs) {
        const user = await this.takeIdle();
        await this.send(user);
        this.release(user);
        done++;
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    return { done, ms: performance.now() - started };
  }

  /** Offers `rate` updates/s, evenly spaced, for `durationMs`; latency from each one's due time. */
  async offer(rate: number, durationMs: number): Promise<number[]> {
    const count = Math.round((rate * durationMs) / 1000);
    const started = performance.now();
    const latencies: number[] = [];
    const pending: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      pending.push(
        this.takeIdle().then(async (user) => {
          await this.send(user);
          latencies.push(performance.now() - due);
          this.release(user);
        }),
      );
    }
    await Promise.all(pending);
    return latencies;
  }

  /** One update at a time by a user of its own: for counting what each kind of update costs. */
  async walk(onEach: (kind: StepKind) => Promise<void>): Promise<void> {
    const user = await this.takeIdle();
    this.renew(user);
    for (let i = 0; i < SESSION.length; i++) {
      const kind = await this.send(user);
      await onEach(kind);
    }
    this.release(user);
  }

  close(): void {
    this.agent.destroy();
  }
}
