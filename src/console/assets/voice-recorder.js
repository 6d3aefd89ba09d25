// @ts-check
/**
 * The console's voice recorder (`/console/voice`): per message card, record with the microphone
 * (MediaRecorder, audio/webm;codecs=opus where the browser has it), listen to it, upload it as the
 * raw body of `POST /console/voice/<locale>/<key>` with the session's CSRF token (the layout puts
 * it in <body hx-headers>). The server checks and stores it; a colleague approves it later.
 */
(() => {
  const list = /** @type {HTMLElement | null} */ (document.querySelector(".voice-groups"));
  if (!list) return;
  /** @type {Record<string, string>} */
  const strings = JSON.parse(list.dataset.strings || "{}");
  const maxBytes = Number(list.dataset.maxBytes || "0");
  const headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
  const MIME = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm"].find(
    (type) => typeof MediaRecorder !== "undefined" && MediaRecorder.isTypeSupported(type),
  );

  /** @param {HTMLElement} box */
  function recorder(box) {
    const record = /** @type {HTMLButtonElement} */ (box.querySelector(".voice-record"));
    const preview = /** @type {HTMLAudioElement} */ (box.querySelector(".voice-preview"));
    const upload = /** @type {HTMLButtonElement} */ (box.querySelector(".voice-upload"));
    const message = /** @type {HTMLElement} */ (box.querySelector(".voice-message"));
    /** @type {MediaRecorder | null} */
    let running = null;
    /** @type {Blob | null} */
    let recorded = null;

    async function start() {
      let stream;
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      } catch {
        message.textContent = strings.micDenied || "";
        return;
      }
      /** @type {Blob[]} */
      const chunks = [];
      running = new MediaRecorder(stream, MIME ? { mimeType: MIME } : {});
      running.addEventListener("dataavailable", (event) => chunks.push(event.data));
      running.addEventListener("stop", () => {
        for (const track of stream.getTracks()) track.stop();
        recorded = new Blob(chunks, { type: (running?.mimeType || "audio/webm").split(";")[0] });
        running = null;
        if (preview.src) URL.revokeObjectURL(preview.src);
        preview.src = URL.createObjectURL(recorded);
        preview.hidden = false;
        upload.hidden = false;
        record.textContent = strings.record || "";
      });
      running.start();
      record.textContent = strings.stop || "";
      message.textContent = "";
    }

    async function send() {
      if (!recorded) return;
      if (maxBytes && recorded.size > maxBytes) {
        message.textContent = strings.tooLarge || "";
        return;
      }
      upload.disabled = true;
      message.textContent = strings.uploading || "";
      const url = `/console/voice/${encodeURIComponent(box.dataset.locale || "")}/${encodeURIComponent(box.dataset.key || "")}`;
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: { ...headers, "content-type": recorded.type || "audio/webm" },
          body: recorded,
        });
        const body = await response.json().catch(() => ({}));
        if (response.ok && typeof body.next === "string") {
          location.assign(`${body.next}#${box.closest("li")?.id || ""}`);
          return;
        }
        message.textContent =
          response.status === 413 ? strings.tooLarge || "" : body.error || strings.failed || "";
      } catch {
        message.textContent = strings.failed || "";
      }
      upload.disabled = false;
    }

    record.addEventListener("click", () => {
      if (running) running.stop();
      else start();
    });
    upload.addEventListener("click", () => {
      send();
    });
  }

  for (const box of list.querySelectorAll(".voice-recorder")) recorder(/** @type {HTMLElement} */ (box));
})();
