import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { registerAddHashListEntries } from "./addHashListEntries.route";
import { registerCreateHashList } from "./createHashList.route";
import { registerReadHashLists } from "./listHashLists.route";

/** Known-bad hash lists (trust & safety): the lists live in the media worker, which matches on them. */
export function registerHashLists(app: OpenAPIHono<GatewayEnv>) {
  registerReadHashLists(app);
  registerCreateHashList(app);
  registerAddHashListEntries(app);
}
