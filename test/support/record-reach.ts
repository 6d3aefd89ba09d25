/**
 * Counts a conversation as reached in a statement of its own, as a turn saved in a transaction
 * writes it (conversation/turn-save.ts); for the funnel's store tests, which count without a turn.
 */
import { observedParts } from "../../src/conversation/turn-save.ts";
import { type Reach, reachParts } from "../../src/domain/funnel/reach.ts";
import type { DbClient } from "../../src/store/prisma.ts";
import { SqlParams, writeStatement } from "../../src/store/sql-write.ts";

export async function recordReach(db: DbClient, reach: Reach): Promise<void> {
  const params = new SqlParams();
  const parts = observedParts([reachParts(params, reach)], reach.conversationId, params);
  await db.$queryRawUnsafe(writeStatement(parts), ...params.values);
}
