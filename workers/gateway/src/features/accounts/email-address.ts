/** How the platform compares email addresses: trimmed and lower-cased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The longest address SMTP can carry (RFC 5321 §4.5.3.1: a 256-octet path less its brackets). */
export const MAX_EMAIL_LENGTH = 254;

// Deliberately loose: one @, something on each side, a dot in the domain. The mail itself is the
// real check, since an address is only trusted once its owner follows the link we send.
const PLAUSIBLE_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Whether a (normalised) address is worth sending mail to. */
export function isPlausibleEmail(email: string): boolean {
  return email.length <= MAX_EMAIL_LENGTH && PLAUSIBLE_EMAIL.test(email);
}
