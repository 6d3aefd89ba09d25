// @ts-check
/**
 * The console's own script, on every page. A form that writes to clients carries a submission id
 * (form-submission.ts); while it is being posted its buttons are disabled, and a second submit
 * (a double-click, Enter pressed twice) is not sent. The server sends once per submission id in
 * any case; this spares the counsellor the wait and the doubt. A page the browser brings back
 * from its history gets its buttons back. A live view's event that would change nothing (every
 * stream opens with the current render, so a fresh page or a reconnect with nothing new sends
 * what is shown already) is not swapped in: focus, a text selection and what a screen reader
 * announced stay as they were. On a phone, the section shown is scrolled into the bar of sections.
 */
(() => {
  const ONCE = 'input[type="hidden"][name="submission"]';
  /** @param {HTMLFormElement} form @param {boolean} busy */
  function setBusy(form, busy) {
    for (const button of form.querySelectorAll("button, input[type=submit]")) {
      /** @type {HTMLButtonElement} */ (button).disabled = busy;
    }
    form.toggleAttribute("aria-busy", busy);
  }
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.querySelector(ONCE)) return;
    if (form.dataset.submitting) {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "1";
    // A disabled button's own name and value are left out of the post: a hidden copy keeps them.
    const submitter = /** @type {SubmitEvent} */ (event).submitter;
    if (submitter instanceof HTMLButtonElement && submitter.name) {
      const copy = document.createElement("input");
      copy.type = "hidden";
      copy.name = submitter.name;
      copy.value = submitter.value;
      copy.dataset.submitter = "";
      form.append(copy);
    }
    setBusy(form, true);
  });
  document.addEventListener("htmx:sseBeforeMessage", (event) => {
    const target = event.target;
    const data = /** @type {CustomEvent<MessageEvent>} */ (event).detail?.data;
    if (!(target instanceof HTMLElement) || typeof data !== "string") return;
    const incoming = document.createElement("template");
    incoming.innerHTML = data;
    if (incoming.innerHTML === target.innerHTML) event.preventDefault();
  });
  // On a phone the bar of sections scrolls sideways: the section shown is brought into its view.
  const here = document.querySelector('body > nav a[aria-current="page"]');
  const bar = here?.closest("ul");
  const link = here?.getBoundingClientRect();
  const box = bar?.getBoundingClientRect();
  if (bar && link && box && (link.left < box.left || link.right > box.right))
    bar.scrollLeft += link.left - box.left - (box.width - link.width) / 2;
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    for (const form of document.querySelectorAll("form[data-submitting]")) {
      delete (/** @type {HTMLFormElement} */ (form).dataset.submitting);
      for (const copy of form.querySelectorAll("input[data-submitter]")) copy.remove();
      setBusy(/** @type {HTMLFormElement} */ (form), false);
    }
  });
})();
