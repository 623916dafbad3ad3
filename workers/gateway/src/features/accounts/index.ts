import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { registerDevMailbox } from "./devMailbox.route";
import { registerForgotPassword } from "./forgotPassword.route";
import { registerResetPassword } from "./resetPassword.route";
import { registerSignUp } from "./signUp.route";
import { registerVerifyEmail } from "./verifyEmail.route";

/** The auth host's account pages: sign-up, email verification, password reset, and the dev mailbox. */
export function registerAccounts(app: OpenAPIHono<GatewayEnv>) {
  registerSignUp(app);
  registerVerifyEmail(app);
  registerForgotPassword(app);
  registerResetPassword(app);
  registerDevMailbox(app);
}
