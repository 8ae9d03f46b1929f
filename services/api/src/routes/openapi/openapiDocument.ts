/** The parts of a registered route the description is built from. */
export interface RouteDoc {
  schema?: { params?: unknown; querystring?: unknown; headers?: unknown; body?: unknown } | undefined;
  config?: unknown | undefined;
}

/** What a route may add in `config.openapi`: a summary and its success/failure statuses. */
export interface OpenApiRouteConfig {
  summary?: string;
  /** Status -> description, e.g. `{201: "Created", 412: "Stale If-Match"}`. */
  responses?: Record<number, string>;
}

type Route = RouteDoc & { method: string; url: string; summary?: string };

interface ObjectSchema {
  properties?: Record<string, unknown>;
  required?: readonly string[];
}

const PROBLEM_REF = { $ref: "#/components/responses/Problem" };

/** An OpenAPI 3.1 document of `routes` (JSON Schema 2020-12 accepts the routes' draft-07 schemas as they are). */
export function buildOpenApiDocument(routes: readonly Route[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, "{$1}");
    (paths[path] ??= {})[route.method.toLowerCase()] = operationOf(route);
  }
  return {
    openapi: "3.1.0",
    info: { title: "Materi API", version: "1.0.0" },
    servers: [{ url: "/" }],
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      responses: {
        Problem: {
          description: "RFC 9457 problem details with a stable `code`",
          content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
        },
      },
      schemas: {
        Problem: {
          type: "object",
          required: ["type", "title", "status", "code"],
          properties: { type: { type: "string" }, title: { type: "string" }, status: { type: "integer" }, detail: { type: "string" }, code: { type: "string" } },
        },
      },
    },
  };
}

function operationOf(route: Route) {
  const config = openapiConfigOf(route.config);
  const schema = route.schema ?? {};
  const parameters = [
    ...pathParameters(route.url, schema.params as ObjectSchema | undefined),
    ...parametersOf("query", schema.querystring as ObjectSchema | undefined),
    ...parametersOf("header", schema.headers as ObjectSchema | undefined),
  ];
  const summary = config.summary ?? route.summary;
  return {
    operationId: operationIdOf(route.method, route.url),
    ...(summary ? { summary } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(schema.body ? { requestBody: { required: true, content: { "application/json": { schema: schema.body } } } } : {}),
    responses: responsesOf(route.method, config.responses),
  };
}

/** Every `:name` of the URL is a required path parameter, typed by the params schema when there is one. */
function pathParameters(url: string, params: ObjectSchema | undefined) {
  return [...url.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map(([, name]) => ({
    name: name!,
    in: "path",
    required: true,
    schema: params?.properties?.[name!] ?? { type: "string" },
  }));
}

function parametersOf(where: "query" | "header", schema: ObjectSchema | undefined) {
  return Object.entries(schema?.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: schema?.required?.includes(name) ?? false,
    schema: property,
  }));
}

function responsesOf(method: string, declared: Record<number, string> | undefined): Record<string, unknown> {
  const success = declared ?? (method === "DELETE" ? { 204: "No Content" } : { 200: "OK" });
  const responses: Record<string, unknown> = {};
  for (const [status, description] of Object.entries(success)) responses[status] = Number(status) < 400 ? { description } : { ...PROBLEM_REF, description };
  for (const status of ["400", "401", "404"]) responses[status] ??= PROBLEM_REF;
  responses["default"] = PROBLEM_REF;
  return responses;
}

function openapiConfigOf(config: unknown): OpenApiRouteConfig {
  const value = (config as { openapi?: unknown } | undefined)?.openapi;
  return value && typeof value === "object" ? (value as OpenApiRouteConfig) : {};
}

/** `PATCH /api/v1/documents/:id` -> `patchDocumentsById`, stable and unique per method + path. */
function operationIdOf(method: string, url: string): string {
  const words = url
    .replace(/^\/api\/v1\//, "")
    .split("/")
    .map((part) => (part.startsWith(":") ? `by_${part.slice(1)}` : part))
    .join("_")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return method.toLowerCase() + words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join("");
}

/** Route options that describe a route in the OpenAPI document: `{...openapi("Read a document", {200: "The document"})}`. */
export function openapi(summary: string, responses?: Record<number, string>): { config: { openapi: OpenApiRouteConfig } } {
  return { config: { openapi: { summary, ...(responses ? { responses } : {}) } } };
}
