/**
 * The set-up of a browser test file: the real app (with a fake Telegram and the queue workers when
 * asked), listening on a free port of 127.0.0.1, and Chromium, started before the file's tests and
 * closed after them, in that order backwards.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import type { App } from "../../src/app.ts";
import { launchChromium } from "./chromium.ts";
import type { FakeTelegram } from "./fake-telegram.ts";
import { startTestBed, type TestBed } from "./test-bed.ts";

export interface BrowserAppOptions {
  /** The app's Telegram channel talks to a fake Bot API (`telegram` in what `take` gets). */
  telegram?: boolean;
  /** Starts the queue workers (outbox senders, nudges…), without the reconciler. */
  workers?: boolean;
  /** Settings over the test app's own (startTestApp). */
  env?: Record<string, string>;
  /** More Chromium flags (launchChromium). */
  chromiumArgs?: readonly string[];
}

/** What a browser test works with: the app, where it listens, Chromium, and the fake Telegram if asked. */
export type BrowserApp<O extends BrowserAppOptions = BrowserAppOptions> = {
  app: App;
  /** The app's address, e.g. `http://127.0.0.1:41234`. */
  base: string;
  browser: Browser;
} & (O extends { telegram: true } ? { telegram: FakeTelegram } : unknown);

/**
 * Registers the file's beforeAll and afterAll: `take` gets the started parts once they are up
 * (assign them to the file's variables), and everything is closed after the last test. A
 * beforeAll of the file's own registered after this call runs after it (its data, say).
 */
export function browserApp<const O extends BrowserAppOptions>(
  options: O,
  take: (started: BrowserApp<O>) => void,
): void {
  type Bed = TestBed & { telegram?: FakeTelegram };
  const held: { bed?: Bed; browser?: Browser } = {};
  beforeAll(async () => {
    const { chromiumArgs, ...bedOptions } = options;
    const bed: Bed = await startTestBed(bedOptions);
    held.bed = bed;
    const base = await bed.app.http.listen({ host: "127.0.0.1", port: 0 });
    const browser = await launchChromium(chromiumArgs);
    held.browser = browser;
    take({
      app: bed.app,
      base,
      browser,
      ...(bed.telegram ? { telegram: bed.telegram } : {}),
    } as BrowserApp<O>);
  });
  afterAll(async () => {
    await held.browser?.close();
    await held.bed?.close();
  });
}
