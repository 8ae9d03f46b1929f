import { describe, expect, it } from "vitest";
import { buildOpenApiDocument, openapi } from "./openapiDocument.js";

describe("buildOpenApiDocument", () => {
  it("turns registered routes and their schemas into OpenAPI 3.1 operations", () => {
    const doc = buildOpenApiDocument([
      {
        method: "PATCH",
        url: "/api/v1/documents/:id",
        schema: {
          params: { type: "object", properties: { id: { type: "string", format: "uuid" } } },
          headers: { type: "object", properties: { "if-match": { type: "string" } } },
          body: { type: "object", properties: { title: { type: "string" } } },
        },
        ...openapi("Change a document", { 200: "Updated", 412: "Stale" }),
      },
      { method: "DELETE", url: "/api/v1/documents/:id/shares/:share_id" },
      { method: "GET", url: "/api/v1/workspaces/:id/documents", schema: { querystring: { type: "object", required: ["q"], properties: { q: { type: "string" } } } } },
    ]);
    expect(doc.openapi).toBe("3.1.0");
    const patch = doc.paths["/api/v1/documents/{id}"]!["patch"] as Record<string, unknown>;
    expect(patch).toMatchObject({
      operationId: "patchDocumentsById",
      summary: "Change a document",
      parameters: [
        { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } },
        { name: "if-match", in: "header", required: false, schema: { type: "string" } },
      ],
      requestBody: { required: true, content: { "application/json": { schema: { type: "object" } } } },
    });
    expect(Object.keys(patch["responses"] as object).sort()).toEqual(["200", "400", "401", "404", "412", "default"]);
    const del = doc.paths["/api/v1/documents/{id}/shares/{share_id}"]!["delete"] as { parameters: { name: string }[]; responses: Record<string, unknown> };
    expect(del.parameters.map((p) => p.name)).toEqual(["id", "share_id"]);
    expect(del.responses).toHaveProperty("204");
    const list = doc.paths["/api/v1/workspaces/{id}/documents"]!["get"] as { parameters: { name: string; required: boolean }[] };
    expect(list.parameters).toEqual([expect.objectContaining({ name: "id" }), expect.objectContaining({ name: "q", in: "query", required: true })]);
  });
});
