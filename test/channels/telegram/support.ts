/**
 * What the Telegram channel tests share: a silent logger and a recording `onInbound` (the
 * channel's input), which can be told to fail like a core whose database is down.
 */

import type { InboundHandler, InboundMessage } from "../../../src/channels/types.ts";
import { createLogger } from "../../../src/logger.ts";

export const silentLogger = createLogger("silent");

export interface RecordingInbound {
  handler: InboundHandler;
  received: InboundMessage[];
  /** While set, the handler throws this instead of recording. */
  failWith: Error | undefined;
}

/** An onInbound that records every message it is given. */
export function recordingInbound(): RecordingInbound {
  const recording: RecordingInbound = {
    received: [],
    failWith: undefined,
    handler: async (message) => {
      if (recording.failWith) throw recording.failWith;
      recording.received.push(message);
    },
  };
  return recording;
}
