// @ts-check
/**
 * The web chat page's browser script, served as `GET /chat/webchat.js` (no build step; tsc checks
 * it through the JSDoc types, biome lints it). Plain modern JavaScript for evergreen browsers.
 * The server issues the session (`POST /chat/api/sessions`); the page keeps it in localStorage,
 * posts what the person types or taps, shows the bot's messages (text via textContent only, never
 * innerHTML) and polls every few seconds while the page is visible, for messages sent later. A
 * session the server no longer knows (erased with /delete) is replaced by a new one.
 */
(() => {
  /**
   * @typedef {{ title: string, placeholder: string, send: string, new_chat: string, offline: string, menu: string,
   *   new_chat_confirm: string, new_chat_yes: string, new_chat_no: string, deleted: string, start_again: string,
   *   voice_note: string }} Strings
   * @typedef {{ id: string, label: string, kind?: "nav" | "toggle", url?: string }} Choice
   * @typedef {{ id: string, text: string, choices: Choice[], replaces?: string, locale: string, direction: string,
   *   voice?: string }} BotMessage
   * @typedef {{ id: string, text: string, clientMessageId?: string, choiceId?: string }} ClientMessage
   * @typedef {{ messages: BotMessage[], client?: ClientMessage[], live?: string[], erased?: boolean }} Transcript
   * @typedef {{ sessionId: string, messageId: string, text?: string, choiceId?: string, tappedId?: string }} Outgoing
   */

  /** @param {string} id */
  const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
  /** @type {Record<string, Strings>} */
  const STRINGS = JSON.parse($("webchat-strings").textContent || "{}");
  const BASE = location.pathname.replace(/\/+$/, "");
  const API = `${BASE}/api/messages`;
  const SESSIONS = `${BASE}/api/sessions`;
  const SESSION_KEY = "webchat.session";
  const SESSION_PATTERN = /^[A-Za-z0-9_-]{43}$/;
  const POLL_MS = 3000;
  const MAX_ATTEMPTS = 5;
  /** The "…" bubble shows when an answer takes longer than this (ms). */
  const TYPING_AFTER_MS = 1000;
  /** The tap that asks the bot for its help menu (domain/commands/command-menu.ts). */
  const MENU_CHOICE = "cmd:help";
  const log = $("log");
  const list = $("messages");
  const form = /** @type {HTMLFormElement} */ ($("composer"));
  const input = /** @type {HTMLTextAreaElement} */ ($("text"));
  const typing = $("typing");
  const banner = $("offline");
  const touch = matchMedia("(pointer: coarse)").matches;

  let sessionId = "";
  let lastId = "0";
  /** @type {Set<string>} */
  let shown = new Set();
  /** @type {Promise<unknown>} */
  let queue = Promise.resolve();
  let posting = 0;
  let polling = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let pollTimer;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let typingTimer;

  /** 18 random bytes as base64url: 24 characters (a message id; the server scopes it to the session). */
  function randomId() {
    const bytes = crypto.getRandomValues(new Uint8Array(18));
    return btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
  }

  function storedSession() {
    try {
      return localStorage.getItem(SESSION_KEY);
    } catch {
      return null;
    }
  }

  function forgetSession() {
    try {
      localStorage.removeItem(SESSION_KEY);
    } catch {
      /* private mode: nothing stored */
    }
  }

  /** @param {string} id */
  function storeSession(id) {
    try {
      localStorage.setItem(SESSION_KEY, id);
    } catch {
      /* private mode: this tab only */
    }
  }

  /** @param {number} ms */
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  /** @param {string} locale */
  const stringsFor = (locale) => STRINGS[locale] || STRINGS[locale.split("-")[0] || ""] || STRINGS.en;

  /**
   * Switches the page's language, direction and UI strings to the bot's latest locale.
   * @param {string} locale
   * @param {string} direction
   */
  function applyLocale(locale, direction) {
    const strings = stringsFor(locale);
    if (!strings) return;
    document.documentElement.lang = locale;
    document.documentElement.dir = direction;
    document.title = strings.title;
    $("title").textContent = strings.title;
    input.placeholder = strings.placeholder;
    input.setAttribute("aria-label", strings.placeholder);
    $("send-label").textContent = strings.send;
    $("new-chat-label").textContent = strings.new_chat;
    $("menu-label").textContent = strings.menu;
    $("confirm-text").textContent = strings.new_chat_confirm;
    $("confirm-yes").textContent = strings.new_chat_yes;
    $("confirm-no").textContent = strings.new_chat_no;
    banner.textContent = strings.offline;
  }

  const RIGHT_TO_LEFT = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}]/u;
  const A_LETTER =
    /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}]/u;

  /**
   * The direction of a text: that of its first letter. Unlike dir="auto", a symbol that Unicode
   * counts as a left-to-right letter (ℹ️ in "ℹ️ أخبرني المزيد") or a flag does not decide it.
   * @param {string} text
   * @param {string} otherwise the direction when the text has no letter
   */
  function textDirection(text, otherwise) {
    const letter = A_LETTER.exec(text);
    if (!letter) return otherwise;
    return RIGHT_TO_LEFT.test(letter[0]) ? "rtl" : "ltr";
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  /** @param {boolean} on */
  function setTyping(on) {
    typing.hidden = !on;
    if (on) scrollToEnd();
  }

  /** @param {boolean} on */
  function setOffline(on) {
    banner.hidden = !on;
  }

  /**
   * @param {string} kind
   * @param {string} text
   * @param {string} dir
   */
  function addBubble(kind, text, dir) {
    const item = document.createElement("li");
    item.className = `bubble ${kind}`;
    item.dir = kind === "mine" ? textDirection(text, dir) : dir;
    const body = document.createElement("p");
    body.textContent = text;
    item.append(body);
    list.append(item);
    return item;
  }

  /** @param {Element | null} [except] the bubble whose buttons stay usable */
  function disableChoices(except) {
    for (const group of list.querySelectorAll(".choices")) {
      if (except && group.parentElement === except) continue;
      for (const button of group.querySelectorAll("button")) button.disabled = true;
    }
  }

  /**
   * The buttons of one bot message: the answers, then navigation (back, start again, my
   * counsellor) on a row of its own. A tick box (multi-choice) is tapped without a bubble of the
   * person's: the question itself shows the tick once the bot has updated it.
   * @param {BotMessage} message
   * @param {string} bubbleId the bubble the buttons belong to (the question first shown)
   */
  function choiceGroups(message, bubbleId) {
    const answers = document.createElement("div");
    answers.className = "choices";
    const navigation = document.createElement("div");
    navigation.className = "choices nav";
    for (const choice of message.choices) {
      if (choice.url) {
        // A link of ours (a map): opens it, sends nothing back.
        const link = document.createElement("a");
        link.className = "choice-link";
        link.href = choice.url;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        link.dir = textDirection(choice.label, message.direction);
        link.textContent = choice.label;
        answers.append(link);
        continue;
      }
      const button = document.createElement("button");
      button.type = "button";
      button.dir = textDirection(choice.label, message.direction);
      button.textContent = choice.label;
      button.dataset.choice = choice.id;
      if (choice.kind === "toggle") button.classList.add("toggle");
      button.addEventListener("click", () => {
        if (choice.kind === "toggle") {
          send({ choiceId: choice.id, tappedId: bubbleId }, null, false);
          return;
        }
        button.classList.add("chosen");
        send({ choiceId: choice.id }, choice.label);
      });
      (choice.kind === "nav" ? navigation : answers).append(button);
    }
    return [answers, navigation].filter((group) => group.childElementCount > 0);
  }

  /**
   * A voice note: the message before it, spoken, in an audio player (loaded when played).
   * @param {BotMessage} message
   */
  function voicePlayer(message) {
    const strings = STRINGS[message.locale] || STRINGS.en;
    const audio = document.createElement("audio");
    audio.controls = true;
    audio.preload = "none";
    audio.src = `${BASE}/voice/${encodeURIComponent(message.voice || "")}`;
    audio.setAttribute("aria-label", strings?.voice_note || "🔊");
    return audio;
  }

  /** @param {BotMessage} message */
  function showBotMessage(message) {
    if (shown.has(message.id)) return;
    shown.add(message.id);
    if (BigInt(message.id) > BigInt(lastId)) lastId = message.id;
    const earlier = message.replaces ? list.querySelector(`li[data-id="${message.replaces}"]`) : null;
    if (earlier) {
      // A tick in a multi-choice question: the same question, its buttons updated in place.
      for (const group of earlier.querySelectorAll(".choices")) group.remove();
      earlier.append(...choiceGroups(message, message.replaces || ""));
      return;
    }
    const item = addBubble("bot", message.voice ? "" : message.text, message.direction);
    item.lang = message.locale;
    item.dataset.id = message.id;
    if (message.voice) item.append(voicePlayer(message));
    item.append(...choiceGroups(message, message.id));
    applyLocale(message.locale, message.direction);
  }

  /**
   * One message of the person's, from the server: the bubble shown when it was sent gets its id;
   * after a reload it is shown again, and a tapped button is marked as the one chosen.
   * @param {ClientMessage} message
   */
  function showClientMessage(message) {
    if (shown.has(message.id)) return;
    shown.add(message.id);
    if (BigInt(message.id) > BigInt(lastId)) lastId = message.id;
    const pending = message.clientMessageId
      ? list.querySelector(`li.mine[data-client-id="${CSS.escape(message.clientMessageId)}"]`)
      : null;
    const item = /** @type {HTMLElement} */ (pending || addBubble("mine", message.text, "auto"));
    item.dataset.id = message.id;
    if (message.choiceId) {
      const buttons = list.querySelectorAll(`li.bot button[data-choice="${CSS.escape(message.choiceId)}"]`);
      buttons[buttons.length - 1]?.classList.add("chosen");
    }
  }

  /**
   * Buttons still answerable stay usable; the others are shown spent.
   * @param {string[]} live ids of the bot messages whose buttons are live
   */
  function applyLive(live) {
    for (const item of list.querySelectorAll("li.bot[data-id]")) {
      const spent = !live.includes(/** @type {HTMLElement} */ (item).dataset.id || "");
      item.classList.toggle("spent", spent);
      for (const button of item.querySelectorAll(".choices button")) {
        /** @type {HTMLButtonElement} */ (button).disabled = spent;
      }
    }
  }

  /**
   * Shows a transcript answer: both sides in the order they were written, then which buttons live.
   * @param {Transcript} body
   */
  function showTranscript(body) {
    if (body.erased) {
      showErased();
      return;
    }
    /** @type {{ id: string, bot?: BotMessage, client?: ClientMessage }[]} */
    const items = [
      ...body.messages.map((bot) => ({ id: bot.id, bot })),
      ...(body.client || []).map((client) => ({ id: client.id, client })),
    ];
    items.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    for (const item of items) {
      if (item.bot) showBotMessage(item.bot);
      else if (item.client) showClientMessage(item.client);
    }
    if (body.live) applyLive(body.live);
    if (items.length > 0) scrollToEnd();
  }

  /** After /delete: the page says what was deleted and offers a new chat; nothing of it stays here. */
  function showErased() {
    sessionId = "";
    forgetSession();
    list.replaceChildren();
    const strings = stringsFor(document.documentElement.lang || "en");
    if (!strings) return;
    const item = addBubble("bot notice", strings.deleted, document.documentElement.dir || "auto");
    const group = document.createElement("div");
    group.className = "choices";
    const again = document.createElement("button");
    again.type = "button";
    again.textContent = strings.start_again;
    again.addEventListener("click", () => void startSession("/start"));
    group.append(again);
    item.append(group);
    again.focus();
  }

  /**
   * Queues one message (text or choice); shownAs null sends it without a bubble (/start, a tick).
   * @param {{ text?: string, choiceId?: string, tappedId?: string }} fields
   * @param {string | null} shownAs
   * @param {boolean} [spendsChoices] whether the buttons shown so far are spent (not after a tick)
   */
  function send(fields, shownAs, spendsChoices = true) {
    if (spendsChoices) disableChoices();
    const item = shownAs === null ? null : addBubble("mine", shownAs, "auto");
    scrollToEnd();
    /** @type {Outgoing} */
    const request = { sessionId, messageId: randomId(), ...fields };
    if (item) item.dataset.clientId = request.messageId;
    queue = queue.then(() => deliver(request, item));
  }

  /**
   * Posts one message, retrying with the same messageId (the server dedupes) while offline.
   * @param {Outgoing} request
   * @param {HTMLElement | null} item
   */
  async function deliver(request, item) {
    posting++;
    // "…" only when the answer takes more than a second: a quick one just appears.
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => setTyping(posting > 0), TYPING_AFTER_MS);
    try {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        if (request.sessionId !== sessionId) return;
        try {
          const response = await fetch(API, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ after: lastId, ...request }),
          });
          if (response.ok) {
            setOffline(false);
            const body = await response.json();
            if (request.sessionId === sessionId) showTranscript(body);
            return;
          }
          if (response.status === 401) {
            // The server no longer knows this session (erased): start over as a new person.
            await startSession("/start");
            return;
          }
          if (response.status < 500 && response.status !== 429) break;
        } catch {
          /* no connection: try again */
        }
        setOffline(true);
        await sleep(1000 * 2 ** attempt);
      }
      if (request.sessionId === sessionId) markFailed(request, item);
    } finally {
      posting--;
      if (posting === 0) {
        clearTimeout(typingTimer);
        setTyping(false);
      }
      clearTimeout(pollTimer);
      pollTimer = setTimeout(poll, 1000);
    }
  }

  /**
   * A message that could not be sent gets a retry button (same messageId).
   * @param {Outgoing} request
   * @param {HTMLElement | null} item
   */
  function markFailed(request, item) {
    const bubble = item || addBubble("mine", "", "auto");
    bubble.classList.add("failed");
    const retry = document.createElement("button");
    retry.type = "button";
    retry.className = "retry";
    retry.textContent = "⚠️ ↻";
    retry.setAttribute("aria-label", $("send-label").textContent || "");
    retry.addEventListener("click", () => {
      retry.remove();
      bubble.classList.remove("failed");
      queue = queue.then(() => deliver(request, bubble));
    });
    bubble.append(retry);
    scrollToEnd();
  }

  /** Fetches the bot's messages after the last one shown; false when the session is unknown. */
  async function fetchNew() {
    const session = sessionId;
    try {
      const query = `?sessionId=${encodeURIComponent(session)}&after=${lastId}`;
      const response = await fetch(API + query, { cache: "no-store" });
      if (response.status === 401) return false;
      if (!response.ok) {
        setOffline(response.status >= 500);
        return true;
      }
      setOffline(false);
      const body = await response.json();
      if (session === sessionId) showTranscript(body);
    } catch {
      setOffline(true);
    }
    return true;
  }

  /** Fetches messages sent later (nudges) every few seconds while the page is visible. */
  async function poll() {
    if (polling) return;
    polling = true;
    clearTimeout(pollTimer);
    try {
      if (document.visibilityState === "visible" && posting === 0 && sessionId) await fetchNew();
    } finally {
      polling = false;
      pollTimer = setTimeout(poll, POLL_MS);
    }
  }

  /** Asks the server for a session id, retrying while offline. */
  async function newSessionId() {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await fetch(SESSIONS, { method: "POST" });
        if (response.ok) {
          setOffline(false);
          return /** @type {string} */ ((await response.json()).sessionId);
        }
      } catch {
        /* no connection: try again */
      }
      setOffline(true);
      await sleep(Math.min(1000 * 2 ** attempt, 30_000));
    }
  }

  /** @param {string} firstText */
  async function startSession(firstText) {
    sessionId = "";
    list.replaceChildren();
    lastId = "0";
    shown = new Set();
    setOffline(false);
    sessionId = await newSessionId();
    storeSession(sessionId);
    send({ text: firstText }, null);
  }

  /**
   * Shows an earlier session again, both sides; buttons still answerable stay live.
   * @param {string} saved
   */
  async function resumeSession(saved) {
    sessionId = saved;
    // The whole conversation, page by page (the server answers at most 200 messages at a time).
    for (let page = 0; page < 50; page++) {
      const before = lastId;
      if (!(await fetchNew())) {
        await startSession("/start");
        return;
      }
      if (lastId === before) return;
    }
  }

  /** Fits the box to what is typed: its height, and its direction (an address in an Arabic chat). */
  function autosize() {
    const typed = textDirection(input.value, "");
    if (typed) input.dir = typed;
    else input.removeAttribute("dir"); // nothing typed: the page's direction
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    input.focus();
    if (text === "" || !sessionId) return;
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
  // "+ New chat" asks first: this conversation would no longer be shown here.
  const confirmBar = $("confirm-new");
  $("new-chat").addEventListener("click", () => {
    confirmBar.hidden = false;
    $("confirm-no").focus();
  });
  $("confirm-no").addEventListener("click", () => {
    confirmBar.hidden = true;
  });
  $("confirm-yes").addEventListener("click", () => {
    confirmBar.hidden = true;
    void startSession("/start");
  });
  // The help menu: the bot answers with the command table's buttons (src/domain/commands/).
  $("menu").addEventListener("click", () => {
    if (sessionId) send({ choiceId: MENU_CHOICE }, null);
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") poll();
  });

  const params = new URLSearchParams(location.search);
  const saved = storedSession();
  /** @type {Promise<void>} */
  let ready;
  if (params.has("start")) {
    const code = params.get("start") || "";
    history.replaceState(null, "", location.pathname);
    ready = startSession(/^[A-Za-z0-9_-]{1,64}$/.test(code) ? `/start ${code}` : "/start");
  } else if (saved && SESSION_PATTERN.test(saved)) {
    ready = resumeSession(saved);
  } else {
    ready = startSession("/start");
  }
  ready.finally(() => {
    pollTimer = setTimeout(poll, POLL_MS);
  });
})();
