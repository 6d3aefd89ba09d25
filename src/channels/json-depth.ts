/**
 * A bound on JSON nesting, checked on the raw text before it is parsed: deeply nested bodies
 * otherwise reach code that walks them recursively (a logger, a serializer) and overflow the
 * stack. One pass, no recursion, strings skipped.
 */

/** Whether `text` opens more than `maxDepth` arrays or objects inside each other. */
export function jsonDepthExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
