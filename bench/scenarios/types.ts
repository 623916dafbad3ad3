import type { Stack } from "../../scripts/stack";

/** The request a scenario measures; the same request is sent to the stack and to the bare worker. */
export interface BenchRequest {
  method?: string;
  /** The Host header (the brand), e.g. `pupfanz.localhost`. */
  host: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * One benchmark scenario: a request measured against the real stack and against the bare baseline
 * worker answering with the same response. The scenario passes when
 * `stack_rps / bare_rps >= target`.
 */
export interface Scenario {
  /** Stable id, printed as `scenario` in the JSON result, e.g. `tenants.current`. */
  name: string;
  description: string;
  /** Minimum acceptable stack/bare requests-per-second ratio. */
  target: number;
  /**
   * Builds the request once the stack is up (e.g. sign in first and add a bearer token). The
   * stack's answer to it (which must be 2xx) becomes the bare worker's canned answer.
   */
  prepare(stack: Stack): Promise<BenchRequest>;
}
