/**
 * A write that must not be lost to a short database outage (the outbox's record that the platform
 * accepted a message): tried again with backoff, for about 30 s with the default 8 tries.
 */
import { setTimeout as sleep } from "node:timers/promises";

export async function withRetries(write: () => Promise<void>, tries = 8): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= tries) throw error;
      await sleep(250 * 2 ** Math.min(attempt, 5));
    }
  }
}
