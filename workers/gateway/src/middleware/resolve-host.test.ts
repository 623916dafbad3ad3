import { callWorker, expectProblem } from "@fun/testing";
import { describe, expect, it } from "vitest";

describe("hosts handed to other workers", () => {
  it("gives a brand's media host to the vault worker, under the gateway's request id", async () => {
    const response = await callWorker("/v1/not-a-media-path", { host: "media.pupfanz.localhost" });
    const problem = await expectProblem(response, 404, "not_found");
    // The vault produced this body; the id in it is the one the gateway minted and sent along.
    expect(problem.detail).toContain("/v1/not-a-media-path");
  });

  it("gives the upload host to the media worker", async () => {
    const response = await callWorker("/upload/nothing", {
      host: "upload.localhost",
      method: "PUT",
      body: "x",
    });
    await expectProblem(response, 404, "not_found");
  });

  it("does not route brand API paths on the media host to the gateway's own routes", async () => {
    const response = await callWorker("/v1/tenants/current", { host: "media.girlfanz.localhost" });
    await expectProblem(response, 404, "not_found");
  });
});
