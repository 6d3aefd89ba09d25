/**
 * Buttons and tabs whose label does not sit whole on one line in its box: a label broken inside
 * itself ("Sans réponse à temps" over two lines in a tab on a phone) or running past its box (cut
 * off, or drawn over its neighbour). A row of tabs may wrap whole tabs; a tab may not break.
 * A label counts as broken when its text stands on more than one line (its text's rectangles,
 * `Range.getClientRects()`, on more than one line box). Folded sections (`<details>`) are opened
 * for the look and folded again: a button inside one counts too.
 */
import type { Page } from "playwright-core";

/**
 * Buttons, and tabs: a link of a navigation whose list lays its links out in a row (the bar of
 * sections, the inbox's views, the voice page's languages), not a list of links one under another.
 */
const CONTROLS = 'button, .button, [role="tab"], nav li > a';

/** One sentence per broken label on `page` (none: an empty list), naming the element and its text. */
export function brokenLabels(page: Page): Promise<string[]> {
  return page.evaluate((selector) => {
    const found: string[] = [];
    /** How many lines the rectangles stand on: one starts where the line before it ends. */
    const lineCount = (rects: DOMRect[]) => {
      const sorted = rects.filter((r) => r.width > 0 && r.height > 0).sort((a, b) => a.top - b.top);
      let lines = 0;
      let bottom = Number.NEGATIVE_INFINITY;
      for (const rect of sorted) {
        const below = rect.top >= bottom - 2;
        if (below) lines++;
        bottom = below ? rect.bottom : Math.max(bottom, rect.bottom);
      }
      return lines;
    };
    const inRow = (control: Element) => {
      if (!control.matches("nav li > a")) return true;
      const list = control.closest("ul, ol");
      return Boolean(list && getComputedStyle(list).display.includes("flex"));
    };
    const folded = [...document.querySelectorAll("details:not([open])")];
    for (const details of folded) details.setAttribute("open", "");
    for (const control of document.querySelectorAll<HTMLElement>(selector)) {
      const text = control.textContent?.replace(/\s+/g, " ").trim() ?? "";
      if (!text || !control.checkVisibility({ visibilityProperty: true }) || !inRow(control)) continue;
      const range = document.createRange();
      range.selectNodeContents(control);
      const name = `${control.tagName.toLowerCase()}${control.className ? `.${control.className}` : ""}`;
      const lines = lineCount([...range.getClientRects()]);
      if (lines > 1) found.push(`a label breaks over ${lines} lines: "${text}" (${name})`);
      const box = control.getBoundingClientRect();
      const drawn = range.getBoundingClientRect();
      if (drawn.left < box.left - 1 || drawn.right > box.right + 1)
        found.push(`a label runs past its box: "${text}" (${name})`);
    }
    for (const details of folded) details.removeAttribute("open");
    return found;
  }, CONTROLS);
}
