import { z } from "@hono/zod-openapi";

/**
 * The closed list of error codes the API can answer with, and the HTTP status each one maps to.
 * Clients branch on `code`; the status follows from it. Add a code here before using it anywhere.
 */
export const PROBLEM_STATUS = {
  bad_request: 400,
  malformed_json: 400,
  validation_failed: 400,
  invalid_grant: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  feature_disabled: 404,
  unknown_host: 404,
  method_not_allowed: 405,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  range_not_satisfiable: 416,
  unprocessable_content: 422,
  rate_limited: 429,
  unavailable_for_legal_reasons: 451,
  internal_error: 500,
  not_implemented: 501,
  service_unavailable: 503,
} as const;

export type ProblemCode = keyof typeof PROBLEM_STATUS;

const PROBLEM_TITLES: Record<ProblemCode, string> = {
  bad_request: "Bad request",
  malformed_json: "Malformed JSON",
  validation_failed: "Validation failed",
  invalid_grant: "Invalid grant",
  unauthenticated: "Authentication required",
  forbidden: "Forbidden",
  not_found: "Not found",
  feature_disabled: "Feature not available on this brand",
  unknown_host: "Unknown host",
  method_not_allowed: "Method not allowed",
  conflict: "Conflict",
  gone: "Gone",
  payload_too_large: "Payload too large",
  unsupported_media_type: "Unsupported media type",
  range_not_satisfiable: "Range not satisfiable",
  unprocessable_content: "Unprocessable content",
  rate_limited: "Too many requests",
  unavailable_for_legal_reasons: "Unavailable for legal reasons",
  internal_error: "Internal error",
  not_implemented: "Not implemented",
  service_unavailable: "Service unavailable",
};

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** One invalid input field: where it is and what was wrong with it. */
export const FieldErrorSchema = z.object({
  location: z.enum(["body", "query", "path", "header", "cookie"]),
  path: z.string().openapi({ example: "tenants.0" }),
  message: z.string().openapi({ example: "Invalid enum value" }),
});
export type FieldError = z.infer<typeof FieldErrorSchema>;

/** RFC 9457 problem details, with our stable `code` and the `requestId` of the failed request. */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "/docs#problem-validation_failed" }),
    title: z.string().openapi({ example: "Validation failed" }),
    status: z.number().int().openapi({ example: 400 }),
    detail: z.string().openapi({ example: "The request body has 1 invalid field: tenants.0." }),
    code: z.enum(Object.keys(PROBLEM_STATUS) as [ProblemCode, ...ProblemCode[]]),
    requestId: z.string().openapi({ example: "req_01JH6Q7J9W8Z3Y2X1V0T9S8R7Q" }),
    instance: z.string().optional().openapi({ example: "/v1/content" }),
    errors: z.array(FieldErrorSchema).optional(),
  })
  .openapi("Problem");
export type Problem = z.infer<typeof ProblemSchema>;

export interface ProblemInit {
  code: ProblemCode;
  detail: string;
  requestId: string;
  instance?: string;
  errors?: FieldError[];
}

/** Builds a problem body; `detail` is for the caller and must never carry internals. */
export function buildProblem(init: ProblemInit): Problem {
  return {
    type: `/docs#problem-${init.code}`,
    title: PROBLEM_TITLES[init.code],
    status: PROBLEM_STATUS[init.code],
    detail: init.detail,
    code: init.code,
    requestId: init.requestId,
    ...(init.instance ? { instance: init.instance } : {}),
    ...(init.errors ? { errors: init.errors } : {}),
  };
}

/** A problem as an HTTP response. */
export function problemResponse(init: ProblemInit, headers?: HeadersInit): Response {
  const body = buildProblem(init);
  const response = new Response(JSON.stringify(body), { status: body.status, headers });
  response.headers.set("content-type", PROBLEM_CONTENT_TYPE);
  return response;
}

/** Every code with its title and status, for the API reference. */
export function problemCatalogue(): { code: ProblemCode; status: number; title: string }[] {
  return (Object.keys(PROBLEM_STATUS) as ProblemCode[]).map((code) => ({
    code,
    status: PROBLEM_STATUS[code],
    title: PROBLEM_TITLES[code],
  }));
}
