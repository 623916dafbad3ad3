import { toHex } from "@fun/core";

/** A watermark payload ID as stored: 16 lowercase hex digits. */
export const PAYLOAD_ID = /^[0-9a-f]{16}$/;

export const payloadHex = (id: bigint) => id.toString(16).padStart(16, "0");
export const payloadBigInt = (hex: string) => BigInt(`0x${hex}`);

/**
 * The payload ID of one marked copy: the first 64 bits of SHA-256 over what the copy is (asset,
 * brand, recipient, key version). Deterministic, so a redelivered rendition message or a repeated
 * per-buyer request marks the same ID and finds its row already written; 64 bits make a collision
 * between two copies negligible (about n²/2⁶⁵ for n copies).
 */
export async function payloadIdFor(copy: {
  assetId: string;
  tenantId: string;
  recipientProfileId: string | null;
  keyVersion: number;
}): Promise<string> {
  const text = `fun-watermark-payload/v1|${copy.assetId}|${copy.tenantId}|${copy.recipientProfileId ?? "-"}|v${copy.keyVersion}`;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return toHex(digest.subarray(0, 8));
}
