/**
 * The version of the privacy notice clients accept (locale key onboarding.consent_notice). Bump it
 * whenever the notice's meaning changes in any language; every Consent row records the version.
 */
export const PRIVACY_NOTICE_VERSION = "2026-11-23";
