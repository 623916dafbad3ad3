import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from "./problem";

function problem(description: string) {
  return { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } };
}

type ProblemResponse = ReturnType<typeof problem>;

/**
 * `createRoute` plus the error responses every route can give, so the OpenAPI document lists them
 * without each route repeating them: 404 and 405 and 500 always; 400 when the route reads input;
 * 401 and 403 when it declares `security`; 413 when it takes a body, and 415 when that body is
 * validated by zod. A route's own responses win over these.
 */
export function defineRoute<const R extends RouteConfig>(config: R) {
  const readsInput = Boolean(config.request);
  const authenticated = Boolean(config.security?.length);
  // zod-openapi refuses other content types (415) only for bodies it validates with zod.
  const validatesBody = Object.values(config.request?.body?.content ?? {}).some((media) => {
    const schema = media && "schema" in media ? media.schema : undefined;
    return typeof schema === "object" && schema !== null && "_zod" in schema;
  });
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
    ...(config.request?.body ? { 413: problem("The request body is too large.") } : {}),
    ...(validatesBody ? { 415: problem("The request body is not application/json.") } : {}),
    500: problem("Unexpected error; the body carries the request id."),
  };
  return createRoute({ ...config, responses: { ...standard, ...config.responses } });
}
