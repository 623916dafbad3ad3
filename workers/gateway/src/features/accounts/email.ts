import type { CoreDb } from "@fun/db";
import { insertDevMail } from "./accounts.repo";

/** One message to one person. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Delivers account mail (verification and password-reset links). */
export interface EmailSender {
  send(message: OutgoingEmail): Promise<void>;
}

/**
 * Keeps mail in the `dev_mail` table instead of sending it, for `GET auth.localhost/dev/mailbox`:
 * how developers and the end-to-end tests read the links the platform sends.
 */
export class DevMailbox implements EmailSender {
  constructor(private readonly db: CoreDb) {}

  async send(message: OutgoingEmail): Promise<void> {
    await insertDevMail(this.db, message);
  }
}

/** The `EMAIL_DELIVERY` value that stores mail in the dev mailbox. */
export const DEV_MAILBOX = "dev-mailbox";

/**
 * Whether mail goes to the dev mailbox: asked for, and the issuer is a local one. A deployment that
 * kept the local `EMAIL_DELIVERY` by mistake must fail to send rather than publish reset links.
 */
export function devMailboxEnabled(env: Pick<Env, "EMAIL_DELIVERY" | "AUTH_ISSUER">): boolean {
  const host = new URL(env.AUTH_ISSUER).hostname;
  return env.EMAIL_DELIVERY === DEV_MAILBOX && (host === "localhost" || host.endsWith(".localhost"));
}

/**
 * The sender `EMAIL_DELIVERY` names. Only the dev mailbox exists so far: production delivery (an
 * email provider's HTTP API, or Cloudflare Email Routing) is not built yet, so any other value fails
 * loudly rather than dropping mail on the floor.
 */
export function emailSenderFor(env: Pick<Env, "EMAIL_DELIVERY" | "AUTH_ISSUER">, db: CoreDb): EmailSender {
  if (devMailboxEnabled(env)) return new DevMailbox(db);
  throw new Error(
    `EMAIL_DELIVERY is "${env.EMAIL_DELIVERY}" with the issuer ${env.AUTH_ISSUER}, but only "${DEV_MAILBOX}" on a *.localhost issuer is implemented; production email delivery is not built yet.`,
  );
}
