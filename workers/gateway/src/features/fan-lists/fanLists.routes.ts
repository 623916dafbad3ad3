import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../context";
import { registerAddFanListMembers } from "./addFanListMembers.route";
import { registerCreateFanList } from "./createFanList.route";
import { registerDeleteFanList } from "./deleteFanList.route";
import { registerGetFanList } from "./getFanList.route";
import { registerListFanListMembers } from "./listFanListMembers.route";
import { registerListFanLists } from "./listFanLists.route";
import { registerRemoveFanListMember } from "./removeFanListMember.route";
import { registerRenameFanList } from "./renameFanList.route";

/** A creator's fan lists: named segments of their followers, kept on their profile across brands. */
export function registerFanLists(app: OpenAPIHono<GatewayEnv>) {
  registerCreateFanList(app);
  registerListFanLists(app);
  registerGetFanList(app);
  registerRenameFanList(app);
  registerDeleteFanList(app);
  registerListFanListMembers(app);
  registerAddFanListMembers(app);
  registerRemoveFanListMember(app);
}
