/**
 * The web chat page's browser script, inlined into the page by webchat-page.ts (no build step).
 * Plain modern JavaScript for evergreen browsers. It keeps a session id in localStorage, posts
 * what the person types or taps, shows the bot's messages (text via textContent only, never
 * innerHTML) and polls every few seconds while the page is visible, for messages sent later.
 * Keep it free of backticks and "${": it lives inside String.raw.
 */
export const WEBCHAT_PAGE_SCRIPT = String.raw`
"use strict";
(() => {
  const STRINGS = JSON.parse(document.getElementById("webchat-strings").textContent);
  const API = location.pathname.replace(/\/+$/, "") + "/api/messages";
  const SESSION_KEY = "webchat.sessionId";
  const ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
  const POLL_MS = 3000;
  const MAX_ATTEMPTS = 5;
  const $ = (id) => document.getElementById(id);
  const log = $("log");
  const list = $("messages");
  const form = $("composer");
  const input = $("text");
  const typing = $("typing");
  const banner = $("offline");
  const touch = matchMedia("(pointer: coarse)").matches;

  let sessionId = "";
  let lastId = "0";
  let shown = new Set();
  let queue = Promise.resolve();
  let posting = 0;
  let polling = false;
  let pollTimer = 0;

  /** 18 random bytes as base64url: 24 characters. */
  function randomId() {
    const bytes = crypto.getRandomValues(new Uint8Array(18));
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function storedSession() {
    try { return localStorage.getItem(SESSION_KEY); } catch { return null; }
  }

  function storeSession(id) {
    try { localStorage.setItem(SESSION_KEY, id); } catch { /* private mode: this tab only */ }
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Switches the page's language, direction and UI strings to the bot's latest locale. */
  function applyLocale(locale, direction) {
    const strings = STRINGS[locale] || STRINGS[locale.split("-")[0]] || STRINGS.en;
    document.documentElement.lang = locale;
    document.documentElement.dir = direction;
    document.title = strings.title;
    $("title").textContent = strings.title;
    input.placeholder = strings.placeholder;
    input.setAttribute("aria-label", strings.placeholder);
    $("send-label").textContent = strings.send;
    $("new-chat-label").textContent = strings.new_chat;
    banner.textContent = strings.offline;
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function setTyping(on) {
    typing.hidden = !on;
    if (on) scrollToEnd();
  }

  function setOffline(on) {
    banner.hidden = !on;
  }

  function addBubble(kind, text, dir) {
    const item = document.createElement("li");
    item.className = "bubble " + kind;
    item.dir = dir;
    const body = document.createElement("p");
    body.textContent = text;
    item.append(body);
    list.append(item);
    return item;
  }

  function disableChoices(except) {
    for (const group of list.querySelectorAll(".choices")) {
      if (group === except) continue;
      for (const button of group.querySelectorAll("button")) button.disabled = true;
    }
  }

  function showBotMessage(message) {
    if (shown.has(message.id)) return;
    shown.add(message.id);
    if (BigInt(message.id) > BigInt(lastId)) lastId = message.id;
    const item = addBubble("bot", message.text, message.direction);
    item.lang = message.locale;
    if (message.choices.length > 0) {
      const group = document.createElement("div");
      group.className = "choices";
      for (const choice of message.choices) {
        const button = document.createElement("button");
        button.type = "button";
        button.dir = "auto";
        button.textContent = choice.label;
        button.addEventListener("click", () => {
          button.classList.add("chosen");
          send({ choiceId: choice.id }, choice.label);
        });
        group.append(button);
      }
      item.append(group);
    }
    applyLocale(message.locale, message.direction);
  }

  function showBotMessages(messages) {
    for (const message of messages) showBotMessage(message);
    if (messages.length > 0) scrollToEnd();
  }

  /** Queues one message (text or choice); shownAs null sends it without a bubble (/start). */
  function send(fields, shownAs) {
    disableChoices();
    const item = shownAs === null ? null : addBubble("mine", shownAs, "auto");
    scrollToEnd();
    const request = Object.assign({ sessionId, messageId: randomId() }, fields);
    queue = queue.then(() => deliver(request, item));
  }

  /** Posts one message, retrying with the same messageId (the server dedupes) while offline. */
  async function deliver(request, item) {
    posting++;
    setTyping(true);
    try {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        if (request.sessionId !== sessionId) return;
        try {
          const response = await fetch(API, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(Object.assign({ after: lastId }, request)),
          });
          if (response.ok) {
            setOffline(false);
            const body = await response.json();
            if (request.sessionId === sessionId) showBotMessages(body.messages);
            return;
          }
          if (response.status < 500) break;
        } catch {
          /* no connection: try again */
        }
        setOffline(true);
        await sleep(1000 * 2 ** attempt);
      }
      if (request.sessionId === sessionId) markFailed(request, item);
    } finally {
      posting--;
      setTyping(posting > 0);
      clearTimeout(pollTimer);
      pollTimer = setTimeout(poll, 1000);
    }
  }

  /** A message that could not be sent gets a retry button (same messageId). */
  function markFailed(request, item) {
    const bubble = item || addBubble("mine", "", "auto");
    bubble.classList.add("failed");
    const retry = document.createElement("button");
    retry.type = "button";
    retry.className = "retry";
    retry.textContent = "⚠️ ↻";
    retry.setAttribute("aria-label", $("send-label").textContent);
    retry.addEventListener("click", () => {
      retry.remove();
      bubble.classList.remove("failed");
      queue = queue.then(() => deliver(request, bubble));
    });
    bubble.append(retry);
    scrollToEnd();
  }

  async function fetchNew() {
    const session = sessionId;
    try {
      const query = "?sessionId=" + encodeURIComponent(session) + "&after=" + lastId;
      const response = await fetch(API + query, { cache: "no-store" });
      if (!response.ok) {
        setOffline(response.status >= 500);
        return;
      }
      setOffline(false);
      const body = await response.json();
      if (session === sessionId) showBotMessages(body.messages);
    } catch {
      setOffline(true);
    }
  }

  /** Fetches messages sent later (nudges) every few seconds while the page is visible. */
  async function poll() {
    if (polling) return;
    polling = true;
    clearTimeout(pollTimer);
    try {
      if (document.visibilityState === "visible" && posting === 0) await fetchNew();
    } finally {
      polling = false;
      pollTimer = setTimeout(poll, POLL_MS);
    }
  }

  function startSession(firstText) {
    sessionId = randomId();
    storeSession(sessionId);
    lastId = "0";
    shown = new Set();
    list.replaceChildren();
    setOffline(false);
    send({ text: firstText }, null);
  }

  /** Shows an earlier session again; only the newest buttons stay live. */
  async function resumeSession(saved) {
    sessionId = saved;
    await fetchNew();
    const groups = list.querySelectorAll(".choices");
    disableChoices(groups[groups.length - 1]);
  }

  function autosize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 160) + "px";
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    input.focus();
    if (text === "") return;
    input.value = "";
    autosize();
    send({ text }, text);
  });
  input.addEventListener("input", autosize);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && !touch) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  $("new-chat").addEventListener("click", () => startSession("/start"));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") poll();
  });

  const params = new URLSearchParams(location.search);
  const saved = storedSession();
  let ready = Promise.resolve();
  if (params.has("start")) {
    const code = params.get("start") || "";
    history.replaceState(null, "", location.pathname);
    startSession(/^[A-Za-z0-9_-]{1,64}$/.test(code) ? "/start " + code : "/start");
  } else if (saved && ID_PATTERN.test(saved)) {
    ready = resumeSession(saved);
  } else {
    startSession("/start");
  }
  ready.finally(() => { pollTimer = setTimeout(poll, POLL_MS); });
})();
`;
