/**
 * An invite link as a QR code (the `qrcode` library), one module for every place that shows one:
 * the terminal (`case create`), the console's case page and the programme's printable poster. A
 * phone's camera opens the link: the Telegram deep link t.me/<bot>?start=<code> (or, without a
 * Telegram bot, the web chat link).
 */
import QRCode from "qrcode";
import type { InviteLinks } from "./invite-links.ts";

/** The link a QR code should open: Telegram's when there is one, else the web chat's. */
export function qrLink(links: InviteLinks): string | null {
  return links.telegram ?? links.webChat;
}

/** The QR code as text for a terminal (block characters; scans best dark on light). */
export function inviteQrText(link: string): Promise<string> {
  return QRCode.toString(link, { type: "utf8", margin: 2 });
}

/** The QR code as a PNG data URL for a page (`width` pixels). */
export function inviteQrDataUrl(link: string, width = 384): Promise<string> {
  return QRCode.toDataURL(link, { margin: 1, width });
}
