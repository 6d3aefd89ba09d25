/** Waiting for htmx in a console page: what a test reads after a swap must be the swapped page. */
import type { Page } from "playwright-core";

/**
 * Resolves once no htmx request, swap or settle is under way in `page` (new controls get their
 * listeners when it settles: click them after this).
 */
export async function htmxSettled(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.querySelector(".htmx-request, .htmx-settling, .htmx-swapping"));
}
