import { newId } from "@fun/core";
import type { CoreDb } from "@fun/db";
import { sealSecret } from "./secret-sealing";
import { newSigningSecret } from "./signing";
import {
  type EndpointChanges,
  type EndpointRow,
  findEndpoint,
  insertEndpoint,
  updateEndpoint,
} from "./webhooks.repo";

/** An endpoint as the API shows it: never its secret, sealed or not. */
export function endpointView(row: EndpointRow) {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes,
    status: row.status,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

const distinct = (types: readonly string[] | undefined) => (types ? [...new Set(types)] : undefined);

/**
 * Registers a partner endpoint on a brand with a fresh signing secret, which is sealed before it is
 * stored and returned in plain this once.
 */
export async function createEndpoint(
  db: CoreDb,
  sealingKey: string,
  input: { tenantId: string; createdBy: string; url: string; description?: string; eventTypes?: string[] },
) {
  const now = Date.now();
  const id = newId("webhookEndpoint", now);
  const secret = newSigningSecret();
  const row = await insertEndpoint(db, {
    id,
    tenantId: input.tenantId,
    url: input.url,
    description: input.description ?? null,
    eventTypes: distinct(input.eventTypes) ?? [],
    secretSealed: await sealSecret(sealingKey, id, secret),
    status: "active",
    createdBy: input.createdBy,
    createdAt: now,
    updatedAt: now,
  });
  return { ...endpointView(row), secret };
}

/** Applies changes to the brand's endpoint; undefined when the brand has no such endpoint. */
export async function changeEndpoint(db: CoreDb, tenantId: string, id: string, changes: EndpointChanges) {
  const eventTypes = distinct(changes.eventTypes);
  const row = await updateEndpoint(db, tenantId, id, { ...changes, ...(eventTypes ? { eventTypes } : {}) });
  return row && endpointView(row);
}

/**
 * Replaces the endpoint's signing secret; the new one is returned in plain this once, and every
 * later attempt (pending retries included) is signed with it.
 */
export async function rotateSecret(db: CoreDb, sealingKey: string, tenantId: string, id: string) {
  if (!(await findEndpoint(db, tenantId, id))) return undefined;
  const secret = newSigningSecret();
  const row = await updateEndpoint(db, tenantId, id, {
    secretSealed: await sealSecret(sealingKey, id, secret),
  });
  return row && { ...endpointView(row), secret };
}
