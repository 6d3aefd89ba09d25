-- Written by hand (Prisma 6 cannot express partial indexes). Every status change of a message
-- writes an entry into each of the table's indexes (status is indexed, so no update is HOT), and a
-- reply's status changes twice (queued, sending, sent). Two indexes held an entry for every reply
-- and served no reply's query (issue 18):
-- (status, createdAt) served only the outbox's sweep of `sending` rows whose lease ran out
-- (src/outbox/message-store.ts): a partial index of the outbound rows being sent does, and a row
-- is in it only while its request is on its way.
DROP INDEX "Message_status_createdAt_idx";
CREATE INDEX "Message_sending_idx" ON "Message" ("leaseUntil") WHERE direction = 'outbound' AND status = 'sending';
-- (broadcastId, status) held an entry for every reply, whose broadcastId is null, and the broadcast
-- queries all name one broadcast (broadcastId = $1 implies the predicate), so only a broadcast's
-- messages need one.
DROP INDEX "Message_broadcastId_status_idx";
CREATE INDEX "Message_broadcast_idx" ON "Message" ("broadcastId", status) WHERE "broadcastId" IS NOT NULL;
-- FlowRun (status, updatedAt): no query reads it, and every turn changes its run's updatedAt, so
-- every update of a run wrote three index entries. Without it, an update that keeps the run's
-- status changes no indexed column and can be HOT: no index entry at all.
DROP INDEX "FlowRun_status_updatedAt_idx";
