/**
 * The outgoing half of the web chat. The browser polls the stored messages (see
 * webchat-transcript.ts), so sending delivers nothing: the outbound Message row the core wrote is
 * the delivery, and marking it sent is what makes the page show it.
 */
import { randomUUID } from "node:crypto";
import type { ChannelSender, ConversationAddress, OutboundMessage, SendResult } from "../types.ts";

/**
 * Creates the web chat's ChannelSender: every send succeeds at once with a fresh message id; an
 * update of an earlier question (`replaces`) keeps that question's id (the page updates its bubble).
 */
export function createWebchatSender(): ChannelSender {
  return {
    channel: "webchat",
    limits: [],
    async send(_address: ConversationAddress, message: OutboundMessage): Promise<SendResult> {
      return { externalMessageId: message.replaces ?? `webchat:${randomUUID()}` };
    },
  };
}
