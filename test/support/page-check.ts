/**
 * What a console browser test does at each page worth a look: axe-core finds no serious or
 * critical violation (support/axe.ts), no button or tab label breaks inside itself or runs past its
 * box (support/label-wrap.ts), then a full-page screenshot goes to CONSOLE_SCREENSHOTS.
 */
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { seriousViolations } from "./axe.ts";
import { brokenLabels } from "./label-wrap.ts";
import { consoleShot } from "./screenshots.ts";

/** Checks `page` with axe-core and its labels (a failure names `name`), then writes screenshot `name`.png. */
export async function checkPage(page: Page, name: string): Promise<void> {
  expect(await seriousViolations(page), name).toEqual([]);
  expect(await brokenLabels(page), name).toEqual([]);
  await page.screenshot({ path: consoleShot(name), fullPage: true });
}
