/**
 * Signing a staff member in to the console the way a person does, for the browser tests: a fresh
 * browser context, the sign-in page, e-mail and the test password, then the page sign-in leads to.
 */
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { TEST_PASSWORD } from "./staff.ts";

/** How to open the session: the context's options (default a 390×844 phone) and where sign-in lands. */
export interface ConsoleSignInOptions {
  context?: BrowserContextOptions;
  /** The URL sign-in must reach (default any console page). */
  landsOn?: RegExp;
}

/** Signs `email` in at `${base}/console` in a new context; resolves with the page, signed in. */
export async function signInToConsole(
  browser: Browser,
  base: string,
  email: string,
  options: ConsoleSignInOptions = {},
): Promise<Page> {
  const context = await browser.newContext(options.context ?? { viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(`${base}/console`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(options.landsOn ?? /\/console\//);
  return page;
}
