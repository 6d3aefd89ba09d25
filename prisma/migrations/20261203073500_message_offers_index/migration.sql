-- Written by hand (Prisma 6 cannot express partial indexes): a conversation's sent bot messages
-- with buttons, newest first, so a web chat poll finds the live buttons without reading the rest
-- of a long conversation (src/channels/webchat/webchat-live.ts).
CREATE INDEX "Message_offers_idx" ON "Message" ("conversationId", id)
  WHERE direction = 'outbound' AND status = 'sent' AND jsonb_typeof(payload -> 'choices') = 'array';
