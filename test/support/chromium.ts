/**
 * Debian's Chromium, headless, for browser tests. The flags matter here: without the
 * background-networking ones this machine's closed network refuses Chromium's own connections.
 */
import { type Browser, chromium, type Page } from "playwright-core";

/**
 * Launches /usr/bin/chromium (installed by .ci/run) with the flags this machine needs, and
 * `extraArgs` (e.g. `--use-fake-device-for-media-stream`: a microphone that plays a tone).
 */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      ...extraArgs,
    ],
  });
}

/** A page on a 390×844 phone (touch, 2× pixels) speaking `locale`; a script error fails the test. */
export async function phonePage(browser: Browser, locale: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale,
  });
  const page = await context.newPage();
  page.on("pageerror", (error) => {
    throw error;
  });
  return page;
}
