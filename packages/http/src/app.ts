import { isId, newId } from "@fun/core";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, Env as HonoEnv, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { methodNotAllowed } from "hono/method-not-allowed";
import type { ZodError } from "zod";
import { ApiError } from "./api-error";
import { type FieldError, type ProblemCode, problemResponse } from "./problem";

/** Fields added to the request's log line by whatever handles it (tenant, account, …). */
export type LogFields = Record<string, string | number | boolean | undefined>;

/** Per-request variables every FUN Core app has. */
export interface RequestVariables {
  requestId: string;
  logFields: LogFields;
}

export type ApiEnv<Bindings extends object = object, Variables extends object = object> = {
  Bindings: Bindings;
  Variables: RequestVariables & Variables;
};

export const REQUEST_ID_HEADER = "X-Request-Id";

/** The JSON API's default request body limit; routes that take larger bodies live on other hosts. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface CreateApiOptions<E extends ApiEnv> {
  /** Names the service in every log line (`gateway`, `media`, …). */
  service: string;
  maxBodyBytes?: number;
  /** A larger limit for the few routes that take big bodies (an image to trace), by request path. */
  maxBodyBytesFor?: (path: string) => number | undefined;
  /**
   * Reuse a well-formed `X-Request-Id` from the caller instead of minting one. Only for workers the
   * gateway forwards to, so that one request keeps one id across workers.
   */
  acceptRequestId?: boolean;
  /**
   * Middleware that runs after the request id is set and before the body limit and routing, e.g. to
   * resolve the host and hand whole hosts to another worker.
   */
  beforeRouting?: MiddlewareHandler<E>[];
}

const TARGET_LOCATION: Record<string, FieldError["location"]> = {
  json: "body",
  form: "body",
  query: "query",
  param: "path",
  header: "header",
  cookie: "cookie",
};

/** Turns zod issues into the field list of a validation problem. */
export function fieldErrors(error: ZodError, target: string): FieldError[] {
  const location = TARGET_LOCATION[target] ?? "body";
  return error.issues.map((issue) => ({
    location,
    path: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
  }));
}

/** "2 invalid fields: body.title, query.limit." */
export function describeFields(errors: FieldError[]): string {
  const names = [
    ...new Set(errors.map((e) => (e.path === "(root)" ? e.location : `${e.location}.${e.path}`))),
  ];
  return `${errors.length === 1 ? "1 invalid field" : `${errors.length} invalid fields`}: ${names.join(", ")}.`;
}

/** The validation problem for a list of wrong fields, naming each of them in its detail. */
export function validationFailed(subject: string, errors: FieldError[]): ApiError {
  return new ApiError("validation_failed", `The ${subject} has ${describeFields(errors)}`, { errors });
}

function problemFromHttpException(error: HTTPException): { code: ProblemCode; detail: string } {
  switch (error.status) {
    case 400:
      return error.message.startsWith("Malformed JSON")
        ? { code: "malformed_json", detail: "The request body is not valid JSON." }
        : { code: "bad_request", detail: error.message || "The request could not be read." };
    case 413:
      return { code: "payload_too_large", detail: "The request body is larger than this endpoint accepts." };
    case 415:
      return { code: "unsupported_media_type", detail: "Send the request body as application/json." };
    default:
      return error.status >= 500
        ? { code: "internal_error", detail: "Something went wrong on our side." }
        : { code: "bad_request", detail: error.message || "The request could not be handled." };
  }
}

function requestIdOf(c: Context): string {
  return (c.get("requestId") as string | undefined) ?? newId("request");
}

/**
 * Builds an OpenAPI Hono app with the behaviour every FUN Core worker shares: a request id on every
 * response, one JSON log line per request, a body limit, and RFC 9457 problem+json for every error
 * (validation, malformed JSON, unknown route, wrong method, wrong content type, oversized body,
 * unhandled exceptions).
 */
export function createApi<E extends ApiEnv>(options: CreateApiOptions<E>): OpenAPIHono<E> {
  const app = new OpenAPIHono<E>({
    defaultHook: (result) => {
      if (!result.success) {
        const errors = fieldErrors(result.error, result.target);
        throw validationFailed("request", errors);
      }
    },
  });

  app.use("*", async (c, next) => {
    const started = performance.now();
    const incoming = options.acceptRequestId ? c.req.header(REQUEST_ID_HEADER) : undefined;
    const requestId = incoming && isId("request", incoming) ? incoming : newId("request");
    c.set("requestId", requestId);
    c.set("logFields", {});
    await next();
    c.res.headers.set(REQUEST_ID_HEADER, requestId);
    const failed = c.res.status >= 500;
    // The console method carries the level into Workers Logs.
    (failed ? console.error : console.info)(
      JSON.stringify({
        level: failed ? "error" : "info",
        service: options.service,
        requestId,
        method: c.req.method,
        host: c.req.header("host") ?? new URL(c.req.url).host,
        path: c.req.path,
        route: c.req.routePath,
        status: c.res.status,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        ...c.get("logFields"),
      }),
    );
  });

  for (const middleware of options.beforeRouting ?? []) app.use("*", middleware);

  const limitTo = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new HTTPException(413);
      },
    });
  const defaultLimit = limitTo(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  app.use("*", (c, next) => {
    const larger = options.maxBodyBytesFor?.(c.req.path);
    return (larger === undefined ? defaultLimit : limitTo(larger))(c, next);
  });

  app.use(
    "*",
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, allowed) =>
        problemResponse(
          {
            code: "method_not_allowed",
            detail: `${c.req.method} is not allowed here; use ${allowed.join(", ")}.`,
            requestId: requestIdOf(c),
            instance: c.req.path,
          },
          { Allow: allowed.join(", ") },
        ),
    }),
  );

  app.notFound((c) =>
    problemResponse({
      code: "not_found",
      detail: `No route matches ${c.req.method} ${c.req.path}.`,
      requestId: requestIdOf(c),
      instance: c.req.path,
    }),
  );

  app.onError((error, c) => {
    const requestId = requestIdOf(c);
    const instance = c.req.path;
    if (error instanceof ApiError) {
      if (error.internalReason) c.get("logFields").reason = error.internalReason;
      return problemResponse(
        {
          code: error.code,
          detail: error.detail,
          requestId,
          instance,
          ...(error.errors ? { errors: error.errors } : {}),
        },
        error.headers,
      );
    }
    if (error instanceof HTTPException) {
      return problemResponse({ ...problemFromHttpException(error), requestId, instance });
    }
    // Unexpected: the caller learns only the request id; the log keeps the cause.
    console.error(
      JSON.stringify({
        level: "error",
        service: options.service,
        requestId,
        message: "unhandled error",
        error:
          error instanceof Error
            ? { name: error.name, message: error.message, stack: error.stack }
            : String(error),
      }),
    );
    return problemResponse({
      code: "internal_error",
      detail: `Something went wrong on our side. Quote ${requestId} if you contact support.`,
      requestId,
      instance,
    });
  });

  return app;
}

export type { HonoEnv };
