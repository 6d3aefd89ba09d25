/**
 * What the conversation core asks of voice: `set_voice` (a flow's action: the onboarding's 🔊
 * button, the /voice question) turns the person's voice notes on or off on their conversation,
 * at once, so the replies of the same turn already come with theirs.
 */
import { type ClientCommand, onEffect } from "../../conversation/turn-registry.ts";

/** The flow /voice starts (flows/voice.yaml). */
export const VOICE_FLOW = "voice";

export const voiceCommand: ClientCommand["handle"] = (ctx) => ctx.stack.start(VOICE_FLOW);

export const voiceTurns = [
  onEffect("set_voice", async (tx, target, effect) => {
    await tx.conversation.update({ where: { id: target.conversationId }, data: { voiceNotes: effect.on } });
    return undefined;
  }),
];
