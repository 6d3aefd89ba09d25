/**
 * The links a counsellor hands to a client: the Telegram deep link t.me/<bot>?start=<code> and
 * the local web chat link. Telegram passes the code to the bot as the /start payload.
 */
import type { Config } from "../config.ts";

/** The configuration the links are built from. */
export type LinkConfig = Pick<Config, "TELEGRAM_BOT_USERNAME" | "HOST" | "PORT" | "WEBCHAT_ENABLED">;

/** The links for `code`; null where the channel is not set up. */
export interface InviteLinks {
  telegram: string | null;
  webChat: string | null;
}

/** What to do when TELEGRAM_BOT_USERNAME is not set. */
export const TELEGRAM_USERNAME_HINT =
  "set TELEGRAM_BOT_USERNAME to the bot's username (shown by @BotFather, or by " +
  "https://api.telegram.org/bot<token>/getMe) to get the t.me link";

/** Builds the invite links for `code`. */
export function inviteLinks(code: string, config: LinkConfig): InviteLinks {
  const username = config.TELEGRAM_BOT_USERNAME?.replace(/^@/, "");
  const payload = encodeURIComponent(code);
  return {
    telegram: username ? `https://t.me/${username}?start=${payload}` : null,
    webChat: config.WEBCHAT_ENABLED
      ? `http://${browsableHost(config.HOST)}:${config.PORT}/chat?start=${payload}`
      : null,
  };
}

/** A listening address a browser can open: "all interfaces" becomes this machine. */
function browsableHost(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}
