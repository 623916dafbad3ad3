/**
 * Prefixed, time-sortable identifiers: `acc_01JH…`. The prefix names the entity so an ID pasted
 * into a log or a ticket explains itself; the body is a ULID (48-bit millisecond time + 80 random
 * bits, Crockford base32), so IDs sort by creation time and keyset pagination can order by them.
 */
export const ID_PREFIXES = {
  tenant: "ten",
  account: "acc",
  accountIdentity: "aid",
  role: "rol",
  accountRole: "arl",
  profile: "prf",
  profileTenant: "prt",
  profileLink: "lnk",
  content: "cnt",
  mediaAsset: "ast",
  mediaVariant: "var",
  contentTenant: "ctm",
  plan: "pln",
  subscription: "sub",
  purchase: "pur",
  payoutAccount: "pac",
  payout: "pay",
  verification: "idv",
  modelRelease: "rel",
  record2257: "rec",
  campaign: "cmp",
  creative: "crv",
  placement: "plc",
  impression: "imp",
  event: "evt",
  request: "req",
  deadLetter: "dlq",
  mail: "mail",
  webauthnChallenge: "wch",
  fanList: "fls",
  notification: "ntf",
  webhookEndpoint: "whe",
  webhookDelivery: "msg",
  webhookAttempt: "wha",
  knownBadList: "kbl",
  knownBadHash: "kbh",
  moderationCase: "mod",
  safetyReport: "srp",
  mediaTakedown: "tkd",
  checkout: "chk",
  promoCode: "prm",
  reconciliation: "rcn",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;
export type IdPrefix = (typeof ID_PREFIXES)[IdKind];
/** An ID whose type remembers its prefix, so an `acc_` cannot be passed where a `cnt_` is expected. */
export type Id<P extends IdPrefix> = `${P}_${string}`;

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function encodeTime(ms: number): string {
  let out = "";
  let rest = ms;
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD.charAt(rest % 32) + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function encodeRandom(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let out = "";
  for (const byte of bytes) out += CROCKFORD.charAt(byte & 31);
  return out;
}

/** A new ULID string (26 characters). */
export function ulid(now: number = Date.now()): string {
  return encodeTime(now) + encodeRandom();
}

/** A new prefixed ID for the given entity kind. */
export function newId<K extends IdKind>(kind: K, now?: number): Id<(typeof ID_PREFIXES)[K]> {
  return `${ID_PREFIXES[kind]}_${ulid(now)}`;
}

const ID_PATTERN = /^[a-z]{3}_[0-9A-HJKMNP-TV-Z]{26}$/;

/** True when `value` is a well-formed ID with the prefix of `kind`. */
export function isId<K extends IdKind>(kind: K, value: string): value is Id<(typeof ID_PREFIXES)[K]> {
  return ID_PATTERN.test(value) && value.startsWith(`${ID_PREFIXES[kind]}_`);
}
