import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from "./problem";

function problem(description: string) {
  return { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } };
}

type ProblemResponse = ReturnType<typeof problem>;

/**
 * `createRoute` plus the error responses every route can give, so the OpenAPI document lists them
 * without each route repeating them: 404 and 405 and 500 always; 400 when the route reads input;
 * 401 and 403 when it declares `security`; 413 and 415 when it takes a body. A route's own
 * responses win over these.
 */
export function defineRoute<const R extends RouteConfig>(config: R) {
  const readsInput = Boolean(config.request);
  const authenticated = Boolean(config.security?.length);
  const takesBody = Boolean(config.request?.body);
  const standard: Record<string, ProblemResponse> = {
    ...(readsInput ? { 400: problem("The request is malformed or a field is invalid.") } : {}),
    ...(authenticated
      ? {
          401: problem("No valid access token for this brand."),
          403: problem("The account may not do this."),
        }
      : {}),
    404: problem("Unknown host or resource."),
    405: problem("The method is not allowed on this path."),
    ...(takesBody
      ? {
          413: problem("The request body is too large."),
          415: problem("The request body is not application/json."),
        }
      : {}),
    500: problem("Unexpected error; the body carries the request id."),
  };
  return createRoute({ ...config, responses: { ...standard, ...config.responses } });
}
