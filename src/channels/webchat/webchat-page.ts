/**
 * The web chat page: one HTML document (inline CSS, its script from `/chat/webchat.js`, no other
 * resources), mobile-first, with big tap targets for people who read little. Its UI strings for
 * every client language are embedded, so the page switches language with the bot's messages.
 */
import { readFileSync } from "node:fs";
import { CLIENT_LOCALES, type Translator } from "../../i18n/translator.ts";
import { MAX_TEXT_LENGTH } from "./webchat-requests.ts";

/** The page's browser script (assets/webchat.js), read once; served at WEBCHAT_SCRIPT_PATH. */
export const WEBCHAT_SCRIPT = readFileSync(new URL("./assets/webchat.js", import.meta.url), "utf8");
export const WEBCHAT_SCRIPT_PATH = "/chat/webchat.js";

/** The page's own words: the keys of locales/<lng>/webchat.json. */
export const WEBCHAT_STRING_KEYS = [
  "title",
  "placeholder",
  "send",
  "new_chat",
  "offline",
  "menu",
  "new_chat_confirm",
  "new_chat_yes",
  "new_chat_no",
  "deleted",
  "start_again",
  "voice_note",
] as const;
export type WebchatStrings = Record<(typeof WEBCHAT_STRING_KEYS)[number], string>;

/** What the page is rendered with. */
export interface ChatPageOptions {
  /** UI strings by locale; must hold `locale` and `en`. */
  strings: Record<string, WebchatStrings>;
  /** The language the page opens in (before any bot message says otherwise). */
  locale: string;
  direction: "ltr" | "rtl";
  /** Per-response CSP nonce for the inline style and script. */
  nonce: string;
}

/** Renders the `webchat.*` strings in every client language (plus English, the fallback). */
export function webchatStringsByLocale(translator: Translator): Record<string, WebchatStrings> {
  const byLocale: Record<string, WebchatStrings> = {};
  for (const locale of new Set<string>([...CLIENT_LOCALES, "en"])) {
    const strings = {} as WebchatStrings;
    for (const key of WEBCHAT_STRING_KEYS) strings[key] = translator.t(`webchat.${key}`, locale);
    byLocale[locale] = strings;
  }
  return byLocale;
}

const STYLE = `
*{box-sizing:border-box}
html,body{height:100%;margin:0}
body{display:flex;flex-direction:column;height:100dvh;background:#eef2f6;color:#17202a;
  font:18px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic",Tahoma,sans-serif}
button{font:inherit;cursor:pointer}
button:focus-visible,textarea:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
.bar{display:flex;align-items:center;gap:.6rem;padding:.5rem .75rem;padding-top:max(.5rem,env(safe-area-inset-top));
  background:#0b5cad;color:#fff}
.bar h1{flex:1;margin:0;font-size:1.25rem}
.logo{font-size:1.5rem}
.new-chat{display:flex;align-items:center;gap:.3rem;min-height:48px;padding:0 1rem;border:2px solid #fff;
  border-radius:24px;background:transparent;color:#fff;font-size:1rem}
.offline{padding:.6rem 1rem;background:#fff3cd;color:#5c4400;text-align:center;font-weight:600}
.offline[hidden]{display:none}
.confirm{padding:.75rem 1rem;background:#fff;border-bottom:2px solid #0b5cad;box-shadow:0 2px 4px rgba(0,0,0,.12)}
.confirm[hidden]{display:none}
.confirm p{margin:0 0 .6rem;font-weight:600}
.confirm-buttons{display:flex;flex-wrap:wrap;gap:.5rem}
.confirm-buttons button{flex:1 1 auto;min-height:48px;padding:.4rem 1rem;border:2px solid #0b5cad;border-radius:24px;
  background:#f2f7fd;color:#0b4a8a;font-weight:600}
.bot.notice{border:2px solid #0b5cad}
.bot.spent .choices button:not(.chosen){opacity:.7}
main{flex:1;overflow-y:auto;padding:1rem .75rem;overscroll-behavior:contain}
.messages{display:flex;flex-direction:column;gap:.75rem;margin:0;padding:0;list-style:none}
.bubble{max-width:88%;padding:.7rem 1rem;border-radius:1.25rem;box-shadow:0 1px 2px rgba(0,0,0,.15)}
.bubble p{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
.bubble p:empty{display:none}
.bubble audio{display:block;width:16rem;max-width:100%;height:2.5rem}
.bot{align-self:flex-start;background:#fff;border-bottom-left-radius:.3rem}
.mine{align-self:flex-end;background:#0b5cad;color:#fff;border-bottom-right-radius:.3rem}
html[dir=rtl] .bot{border-bottom-left-radius:1.25rem;border-bottom-right-radius:.3rem}
html[dir=rtl] .mine{border-bottom-right-radius:1.25rem;border-bottom-left-radius:.3rem}
.mine.failed{opacity:.8}
.retry{display:block;min-height:44px;margin-top:.5rem;padding:0 1rem;border:2px solid #fff;border-radius:22px;
  background:transparent;color:#fff}
.choices{display:flex;flex-direction:column;gap:.5rem;margin-top:.75rem}
.choices button{min-height:52px;padding:.5rem 1rem;border:2px solid #0b5cad;border-radius:.8rem;background:#f2f7fd;
  color:#0b4a8a;font-weight:600;text-align:start}
.choices button:active{background:#d6e7f8}
.choices a.choice-link{display:flex;align-items:center;min-height:52px;padding:.5rem 1rem;border:2px solid #0b5cad;border-radius:.8rem;color:#0b5cad;font-weight:600;text-decoration:underline}
.choices button:disabled{border-color:#c9d1d9;background:#f3f5f7;color:#6a737d;cursor:default}
.choices button.chosen:disabled{border-color:#0b5cad;background:#0b5cad;color:#fff}
.choices.nav{flex-direction:row;flex-wrap:wrap;gap:.4rem;margin-top:.6rem;padding-top:.6rem;border-top:1px dashed #b7c2cd}
.choices.nav button{flex:1 1 auto;min-height:44px;padding:.3rem .7rem;border:1px solid #8a96a3;border-radius:22px;
  background:#fff;color:#3d4752;font-weight:500;font-size:.95rem;text-align:center}
.choices.nav button:disabled{border-color:#d0d7de;background:#f3f5f7;color:#8a96a3}
.typing{display:flex;gap:.35rem;width:max-content;margin-top:.75rem}
.typing[hidden]{display:none}
.typing span{width:.6rem;height:.6rem;border-radius:50%;background:#7b8794;animation:blink 1.2s infinite}
.typing span:nth-child(2){animation-delay:.2s}
.typing span:nth-child(3){animation-delay:.4s}
@keyframes blink{0%,80%,100%{opacity:.25}40%{opacity:1}}
@media (prefers-reduced-motion:reduce){.typing span{animation:none}}
.composer{display:flex;align-items:flex-end;gap:.5rem;padding:.6rem .75rem;
  padding-bottom:max(.6rem,env(safe-area-inset-bottom));background:#fff;border-top:1px solid #d0d7de}
.composer textarea{flex:1;min-width:0;min-height:52px;max-height:160px;padding:.7rem 1rem;border:2px solid #8a96a3;
  border-radius:1.5rem;font:inherit;resize:none}
.send{display:flex;align-items:center;gap:.4rem;min-height:52px;padding:0 1.1rem;border:0;border-radius:26px;
  background:#0b5cad;color:#fff;font-weight:700}
html[dir=rtl] .send-icon{transform:scaleX(-1)}
.menu{display:flex;flex-direction:column;align-items:center;justify-content:center;min-width:52px;min-height:52px;
  padding:0 .4rem;border:2px solid #0b5cad;border-radius:26px;background:#f2f7fd;color:#0b4a8a;font-size:.75rem;
  font-weight:700;line-height:1.1}
.menu-icon{font-size:1.3rem}
.composer textarea::placeholder{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
`;

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/** The Content-Security-Policy that goes with a page rendered with `nonce`. */
export function chatPageCsp(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "media-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Renders the chat page. */
export function renderChatPage({ strings, locale, direction, nonce }: ChatPageOptions): string {
  const s = strings[locale] ?? strings.en;
  if (!s) throw new Error("renderChatPage: no strings for the page's locale nor for en");
  return `<!doctype html>
<html lang="${escapeHtml(locale)}" dir="${direction}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="color-scheme" content="light">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${escapeHtml(s.title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header class="bar">
  <span class="logo" aria-hidden="true">💬</span>
  <h1 id="title">${escapeHtml(s.title)}</h1>
  <button id="new-chat" class="new-chat" type="button"><span aria-hidden="true">+</span><span id="new-chat-label">${escapeHtml(s.new_chat)}</span></button>
</header>
<div id="confirm-new" class="confirm" role="alertdialog" aria-labelledby="confirm-text" hidden>
  <p id="confirm-text">${escapeHtml(s.new_chat_confirm)}</p>
  <div class="confirm-buttons"><button id="confirm-yes" type="button">${escapeHtml(s.new_chat_yes)}</button><button id="confirm-no" type="button">${escapeHtml(s.new_chat_no)}</button></div>
</div>
<div id="offline" class="offline" role="status" hidden>${escapeHtml(s.offline)}</div>
<main id="log">
  <div role="log" aria-live="polite"><ol id="messages" class="messages"></ol></div>
  <div id="typing" class="bubble bot typing" aria-hidden="true" hidden><span></span><span></span><span></span></div>
</main>
<form id="composer" class="composer">
  <button id="menu" class="menu" type="button"><span class="menu-icon" aria-hidden="true">☰</span><span id="menu-label">${escapeHtml(s.menu)}</span></button>
  <textarea id="text" rows="1" maxlength="${MAX_TEXT_LENGTH}" placeholder="${escapeHtml(s.placeholder)}" aria-label="${escapeHtml(s.placeholder)}"></textarea>
  <button id="send" class="send" type="submit"><span class="send-icon" aria-hidden="true">➤</span><span id="send-label">${escapeHtml(s.send)}</span></button>
</form>
<script id="webchat-strings" type="application/json">${scriptJson(strings)}</script>
<script nonce="${nonce}" src="${WEBCHAT_SCRIPT_PATH}"></script>
</body>
</html>
`;
}
