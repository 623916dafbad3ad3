/**
 * OpenAPI pieces for the auth host's HTML pages and form posts, so they are documented with the
 * JSON API (every served route is in the document) while answering in HTML.
 */
export function htmlResponse(description: string) {
  return { description, content: { "text/html": { schema: { type: "string" as const } } } };
}

export function redirectResponse(description: string) {
  return {
    description,
    headers: {
      Location: { description: "Where the browser goes next.", schema: { type: "string" as const } },
    },
  };
}

/** A form body (`application/x-www-form-urlencoded`) documented field by field, validated by hand. */
export function formBody(fields: Record<string, string>, required: string[]) {
  return {
    required: true,
    content: {
      "application/x-www-form-urlencoded": {
        schema: {
          type: "object" as const,
          required,
          properties: Object.fromEntries(
            Object.entries(fields).map(([name, description]) => [
              name,
              { type: "string" as const, description },
            ]),
          ),
        },
      },
    },
  };
}
