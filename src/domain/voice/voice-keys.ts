/**
 * The client messages worth a voice version, in one list: what a person who reads little meets
 * first and most (onboarding, the help menu, reminders, check-ins, job alerts). The console's
 * recording page lists these, per client language; a recording for any other key is refused.
 */
export const VOICE_MESSAGE_KEYS = [
  "onboarding.welcome",
  "onboarding.consent_notice",
  "onboarding.declined",
  "onboarding.linked",
  "onboarding.lead",
  "assessment.offer_prompt",
  "assessment.intro",
  "commands.help",
  "commands.privacy",
  "commands.delete_confirm",
  "common.nothing_to_do",
  "appointments.created",
  "appointments.reminder",
  "appointments.moved",
  "appointments.cancelled",
  "checkin.how_is_work",
  "checkin.still_working_prompt",
  "checkin.wants_help_prompt",
  "checkin.thanks",
  "jobs.alert",
  "jobs.alert_cv",
  "jobs.alerts_prompt",
  "voice.prompt",
] as const;

export type VoiceMessageKey = (typeof VOICE_MESSAGE_KEYS)[number];

const KEYS = new Set<string>(VOICE_MESSAGE_KEYS);

/** Whether `key` is one the console records. */
export const isVoiceMessageKey = (key: string): key is VoiceMessageKey => KEYS.has(key);
