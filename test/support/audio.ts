/** Audio in a browser test: what the browser itself makes of a recording it is given. */
import type { Locator } from "playwright-core";

/** The duration (s) the browser reads from `player`'s metadata once it loads; rejects on a media error. */
export function audioDuration(player: Locator): Promise<number> {
  return player.evaluate(
    (audio: HTMLAudioElement) =>
      new Promise<number>((resolve, reject) => {
        audio.addEventListener("loadedmetadata", () => resolve(audio.duration), { once: true });
        audio.addEventListener("error", () => reject(new Error(`media error ${audio.error?.code}`)), {
          once: true,
        });
        audio.load();
      }),
  );
}
