import { createRoute, type OpenAPIHono, type RouteConfig, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { ApiError } from "./api-error";
import { type ApiEnv, fieldErrors, validationFailed } from "./app";
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from "./problem";

/** An OpenAPI response documented as problem+json, for a route's own error statuses. */
export function problemDoc(description: string) {
  return { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } };
}

type ProblemResponse = ReturnType<typeof problemDoc>;

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
    ...(readsInput ? { 400: problemDoc("The request is malformed or a field is invalid.") } : {}),
    ...(authenticated
      ? {
          401: problemDoc("No valid access token for this brand."),
          403: problemDoc("The account may not do this."),
        }
      : {}),
    404: problemDoc("Unknown host or resource."),
    405: problemDoc("The method is not allowed on this path."),
    ...(config.request?.body ? { 413: problemDoc("The request body is too large.") } : {}),
    ...(validatesBody ? { 415: problemDoc("The request body is not application/json.") } : {}),
    500: problemDoc("Unexpected error; the body carries the request id."),
  };
  return createRoute({ ...config, responses: { ...standard, ...config.responses } });
}

/**
 * An AIP-136 custom method such as `POST /v1/content/{id}:publish`. Hono matches a path segment
 * whole, so the route is served as one parameter whose pattern ends in `:verb`, documented as
 * `{id}:verb`, with its JSON body validated here the way zod-openapi validates other routes.
 */
export function registerCustomMethod<E extends ApiEnv, B extends z.ZodType>(
  app: OpenAPIHono<E>,
  spec: {
    collection: string;
    /** A regular expression for the id, without braces (Hono puts the pattern in braces). */
    idPattern: string;
    verb: string;
    body: B;
    middleware: MiddlewareHandler<E>[];
    route: Omit<RouteConfig, "method" | "path" | "request" | "middleware">;
    handler: (c: Context<E>, id: string, body: z.infer<B>) => Promise<Response>;
  },
): void {
  app.openAPIRegistry.registerPath(
    defineRoute({
      ...spec.route,
      method: "post",
      path: `${spec.collection}/{id}:${spec.verb}`,
      request: {
        params: z.object({ id: z.string().regex(new RegExp(`^${spec.idPattern}$`)) }),
        body: { required: true, content: { "application/json": { schema: spec.body } } },
      },
    }),
  );
  const path = `${spec.collection}/:id{${spec.idPattern}:${spec.verb}}`;
  const handle: MiddlewareHandler<E> = async (c) => {
    const id = (c.req.param("id") ?? "").slice(0, -(spec.verb.length + 1));
    const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json") {
      throw new ApiError("unsupported_media_type", "Send the request body as application/json.");
    }
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(await c.req.arrayBuffer()));
    } catch {
      throw new ApiError("malformed_json", "The request body is not valid JSON.");
    }
    const parsed = spec.body.safeParse(json);
    if (!parsed.success) throw validationFailed("request body", fieldErrors(parsed.error, "json"));
    return spec.handler(c, id, parsed.data);
  };
  for (const middleware of spec.middleware) app.use(path, middleware);
  app.post(path, handle);
}
