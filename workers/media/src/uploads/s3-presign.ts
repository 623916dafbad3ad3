import { AwsClient, AwsV4Signer } from "aws4fetch";

/**
 * Presigned S3 URLs straight to R2 (SigV4 in the query string, made with aws4fetch), so the bytes
 * never pass through a Worker. Every header that matters is signed: the exact Content-Length, and
 * for a whole-file PUT the Content-Type and `If-None-Match: *` (the key is written once: a URL that
 * is still valid after the upload completed, failed or was aborted cannot replace what was checked).
 */

export interface S3Target {
  /** Path-style base URL without the bucket, e.g. `https://<account>.r2.cloudflarestorage.com`. */
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export type S3Env = Pick<
  MediaEnv,
  "R2_S3_ENDPOINT" | "R2_S3_BUCKET" | "R2_S3_ACCESS_KEY_ID" | "R2_S3_SECRET_ACCESS_KEY"
>;

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);
const isLocalHost = (hostname: string) => LOOPBACK.has(hostname) || hostname.endsWith(".localhost");

/**
 * Where presigned URLs point, or undefined when uploads go through the worker route instead: no
 * S3 endpoint or key pair configured, or (locally) a client wrangler's endpoint would refuse.
 *
 * An endpoint given as a path is wrangler's local S3 endpoint, served on the port the local stack
 * listens on (the port of `uploadOrigin`) and only for `*.localhost` upload hosts. It answers only
 * requests whose Origin is a loopback host, so a browser page on a brand's host gets worker-route
 * URLs, which work from any origin.
 */
export function s3Target(
  env: S3Env,
  uploadOrigin: string,
  clientOrigin: string | null,
): S3Target | undefined {
  const endpoint = env.R2_S3_ENDPOINT?.trim();
  const bucket = env.R2_S3_BUCKET?.trim();
  const accessKeyId = env.R2_S3_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.R2_S3_SECRET_ACCESS_KEY?.trim();
  if (!endpoint || !bucket || !accessKeyId || !secretAccessKey) return undefined;
  if (!endpoint.startsWith("/"))
    return { endpoint: endpoint.replace(/\/+$/, ""), bucket, accessKeyId, secretAccessKey };
  const upload = new URL(uploadOrigin);
  if (!isLocalHost(upload.hostname)) return undefined;
  if (clientOrigin !== null) {
    let client: URL;
    try {
      client = new URL(clientOrigin);
    } catch {
      return undefined;
    }
    if (!LOOPBACK.has(client.hostname)) return undefined;
  }
  const port = upload.port ? `:${upload.port}` : "";
  return {
    endpoint: `http://localhost${port}${endpoint.replace(/\/+$/, "")}`,
    bucket,
    accessKeyId,
    secretAccessKey,
  };
}

export interface PresignedPut {
  url: string;
  /** Headers the client must send as they are (they are part of the signature). */
  headers: Record<string, string>;
}

const objectUrl = (target: S3Target, key: string) =>
  `${target.endpoint}/${target.bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;

/** A presigned PUT of the whole object, or of one part of a multipart upload. */
export async function presignPut(
  target: S3Target,
  key: string,
  options: {
    contentLength: number;
    expiresInSeconds: number;
    contentType?: string;
    part?: { uploadId: string; partNumber: number };
  },
): Promise<PresignedPut> {
  const url = new URL(objectUrl(target, key));
  if (options.part) {
    url.searchParams.set("partNumber", String(options.part.partNumber));
    url.searchParams.set("uploadId", options.part.uploadId);
  }
  url.searchParams.set("X-Amz-Expires", String(options.expiresInSeconds));
  const clientHeaders: Record<string, string> = options.part
    ? {}
    : { "Content-Type": options.contentType ?? "application/octet-stream", "If-None-Match": "*" };
  const signed = await new AwsV4Signer({
    url: url.toString(),
    method: "PUT",
    headers: { ...clientHeaders, "Content-Length": String(options.contentLength) },
    accessKeyId: target.accessKeyId,
    secretAccessKey: target.secretAccessKey,
    service: "s3",
    region: "auto",
    signQuery: true,
    allHeaders: true,
  }).sign();
  return { url: signed.url.toString(), headers: clientHeaders };
}

export interface ListedPart {
  partNumber: number;
  etag: string;
  bytes: number;
}

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

/**
 * The parts R2 holds for a multipart upload (S3 ListParts, which the Workers binding lacks), or
 * undefined when the endpoint cannot list them: wrangler's local endpoint does not implement it.
 */
export async function listS3Parts(
  target: S3Target,
  key: string,
  uploadId: string,
): Promise<ListedPart[] | undefined> {
  const client = new AwsClient({
    accessKeyId: target.accessKeyId,
    secretAccessKey: target.secretAccessKey,
    service: "s3",
    region: "auto",
    retries: 2,
  });
  const parts: ListedPart[] = [];
  let marker = "0";
  for (;;) {
    const url = new URL(objectUrl(target, key));
    url.searchParams.set("uploadId", uploadId);
    url.searchParams.set("part-number-marker", marker);
    const response = await client.fetch(url.toString(), { method: "GET" });
    const xml = await response.text();
    if (!response.ok) return undefined;
    for (const match of xml.matchAll(/<Part>([\s\S]*?)<\/Part>/g)) {
      const body = match[1] ?? "";
      parts.push({
        partNumber: Number(tag(body, "PartNumber")),
        etag: (tag(body, "ETag") ?? "").replaceAll("&quot;", "").replaceAll('"', ""),
        bytes: Number(tag(body, "Size")),
      });
    }
    const next = tag(xml, "NextPartNumberMarker");
    if (tag(xml, "IsTruncated") !== "true" || !next) return parts;
    marker = next;
  }
}
