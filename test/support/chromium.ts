/**
 * Debian's Chromium, headless, for browser tests. The flags matter here: without the
 * background-networking ones this machine's closed network refuses Chromium's own connections.
 */
import { type Browser, chromium } from "playwright-core";

/** Launches /usr/bin/chromium (installed by .ci/run) with the flags this machine needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}
