import { DurableObject } from "cloudflare:workers";

/** Failed sign-ins for one email address and the back-off they earn (filled in by the accounts work). */
export class LoginThrottle extends DurableObject<object> {}
