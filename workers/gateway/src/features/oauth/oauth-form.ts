import { OAuthError } from "./oauth-errors";

export const FORM = "application/x-www-form-urlencoded";

/**
 * The form body of an OAuth endpoint (token, revocation, introspection). Other content types and
 * repeated parameters are refused (RFC 6749 §3.2).
 */
export async function readForm(request: Request): Promise<Record<string, string>> {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== FORM) throw new OAuthError("invalid_request", `Send the request as ${FORM}.`);
  // Decoded by hand: workerd warns when .text() reads a body that is not declared as text.
  const form = new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()));
  const fields: Record<string, string> = {};
  for (const [name, value] of form) {
    if (name in fields) throw new OAuthError("invalid_request", `${name} is repeated.`);
    fields[name] = value;
  }
  return fields;
}
