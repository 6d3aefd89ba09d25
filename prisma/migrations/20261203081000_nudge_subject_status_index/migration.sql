-- A turn's "this run's pending nudges" (idle-nudges.ts: idle_done, idle_stale) as one index scan.
-- With "subjectId" alone, the planner ANDed it with "Nudge_status_dueAt_idx", reading every
-- pending nudge of every client on each turn (issue 18).
DROP INDEX "Nudge_subjectId_idx";

CREATE INDEX "Nudge_subjectId_status_idx" ON "Nudge"("subjectId", "status");
