/**
 * The check-in message: "How is work going?" with a five-emoji scale. A tap is
 * `checkin:<check-in id>:<1-5>`; the core records it and starts the follow-up flow.
 */
import type { Output } from "../../engine/types.ts";

export const CHECKIN_FLOW = "retention_checkin";

/** The check-in question with its mood buttons. */
export function checkInMessage(checkInId: string, employer: string): Output {
  return {
    key: "checkin.how_is_work",
    params: { employer },
    choices: [1, 2, 3, 4, 5].map((mood) => ({
      id: `checkin:${checkInId}:${mood}`,
      label: `checkin.mood_${mood}`,
    })),
  };
}

/** Reads a mood tap back; undefined for any other id. */
export function parseMoodChoice(
  choiceId: string | undefined,
): { checkInId: string; mood: number } | undefined {
  const match = /^checkin:([a-z0-9]+):([1-5])$/.exec(choiceId ?? "");
  return match ? { checkInId: match[1] as string, mood: Number(match[2]) } : undefined;
}
