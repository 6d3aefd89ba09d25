/**
 * The usual set-up of a test file that drives the real app: the app (startTestApp), a fake
 * Telegram when asked, and the queue workers when asked, started in one call and stopped in one
 * `close()`. The Teams bed (test/channels/teams/support.ts) is this one with a fake Bot Framework.
 */
import type { App } from "../../src/app.ts";
import { type FakeTelegram, startFakeTelegram } from "./fake-telegram.ts";
import { startTestApp } from "./test-app.ts";

export interface TestBed {
  app: App;
  /** Closes the app (which stops its workers), then the fake Telegram, if any. */
  close(): Promise<void>;
}

/** A test bed started with `telegram: true`: the app's Telegram channel talks to `telegram`. */
export interface TestBedWithTelegram extends TestBed {
  telegram: FakeTelegram;
}

export interface TestBedOptions {
  /** Start a fake Telegram Bot API and point the app's Telegram channel at it (`bed.telegram`). */
  telegram?: boolean;
  /**
   * Start the queue workers (outbound, nudges, farewells…). `true`: without the reconciler, as
   * test files share a database; `{ reconcile: true }` for a file with a database of its own.
   */
  workers?: boolean | { reconcile: boolean };
  /** Settings over the test app's own (startTestApp). */
  env?: Record<string, string>;
}

/** The app with what `options` asks for; `close` in afterAll (or a `finally`). */
export function startTestBed(options: TestBedOptions & { telegram: true }): Promise<TestBedWithTelegram>;
export function startTestBed(options?: TestBedOptions): Promise<TestBed>;
export async function startTestBed(options: TestBedOptions = {}): Promise<TestBed | TestBedWithTelegram> {
  let telegram: FakeTelegram | undefined;
  let app: App | undefined;
  const close = async () => {
    await app?.close(); // its workers first, while the fake still answers their last sends
    await telegram?.close();
  };
  try {
    if (options.telegram) telegram = await startFakeTelegram();
    app = await startTestApp({
      ...(telegram ? { telegram } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
    const { workers } = options;
    if (workers) await app.startWorkers(workers === true ? { reconcile: false } : workers);
    return { app, ...(telegram ? { telegram } : {}), close };
  } catch (error) {
    await close(); // a half-started bed leaves no server or connection behind
    throw error;
  }
}
