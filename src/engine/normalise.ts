/**
 * Text normalisation for matching what people type: Arabic-Indic and Persian digits become ASCII,
 * keycap emoji ("2️⃣") become digits, letters lose case and diacritics, emoji and punctuation go.
 */

const ARABIC_INDIC_ZERO = 0x0660;
const PERSIAN_ZERO = 0x06f0;

/** Replaces Arabic-Indic (٠-٩) and Persian (۰-۹) digits and keycap emoji with ASCII digits. */
export function asciiDigits(text: string): string {
  return text
    .replace(/([0-9])\uFE0F?\u20E3/g, "$1")
    .replace(/\u{1F51F}/gu, "10")
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - ARABIC_INDIC_ZERO))
    .replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - PERSIAN_ZERO));
}

/** Lower-case letters and digits only, diacritics removed, words separated by one space. */
export function normaliseWords(text: string): string {
  return asciiDigits(text)
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLocaleLowerCase("und")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** The emoji (pictographs, flags, keycaps) in a text, without spaces. */
export function emojiOnly(text: string): string {
  const found = text.match(/\p{Extended_Pictographic}|\p{Regional_Indicator}{2}/gu);
  return found ? found.join("") : "";
}
