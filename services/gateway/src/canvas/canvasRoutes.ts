import { stat } from "node:fs/promises";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { pathOf } from "../auth/publicRoutes.js";

export interface CanvasOptions {
  /** Directory of the built web app (its index.html and assets). */
  root: string;
}

/** Paths that belong to services, never to the web app: unknown ones there are API 404s. */
const NOT_CANVAS = ["/api/", "/.well-known/", "/internal/", "/collab/"];

/** Vite fingerprints everything under /assets/, so those files never change under one name. */
const IMMUTABLE_PREFIX = "/assets/";

/**
 * Serves the canvas: its files as they are, and index.html for browser navigations to paths
 * that are not files (the app routes them client-side). Anything else unknown is a 404 problem.
 */
export const canvasRoutes: FastifyPluginAsync<CanvasOptions> = async (app, options) => {
  const root = path.resolve(options.root);
  await app.register(fastifyStatic, { root, serve: false, index: false });
  app.get("/*", async (request, reply) => {
    const urlPath = decodePath(pathOf(request.url));
    if (urlPath === undefined || urlPath === "/api" || NOT_CANVAS.some((prefix) => urlPath.startsWith(prefix))) {
      return reply.callNotFound();
    }
    if (urlPath === "/" || (isNavigation(request) && !(await isFile(root, urlPath)))) return sendIndex(reply);
    if (urlPath.startsWith(IMMUTABLE_PREFIX)) return reply.sendFile(urlPath, { maxAge: "365d", immutable: true });
    return reply.sendFile(urlPath, { maxAge: 0 });
  });
};

function sendIndex(reply: FastifyReply): FastifyReply {
  // Always revalidated, so a deploy reaches users on their next navigation.
  return reply.header("cache-control", "no-cache").sendFile("index.html", { cacheControl: false });
}

/** A browser loading a page (not a script or an API client): it asks for HTML first. */
function isNavigation(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  return typeof accept === "string" && accept.includes("text/html");
}

function decodePath(urlPath: string): string | undefined {
  try {
    return decodeURIComponent(urlPath);
  } catch {
    // Malformed percent-encoding names no file.
    return undefined;
  }
}

async function isFile(root: string, urlPath: string): Promise<boolean> {
  const target = path.resolve(root, `.${urlPath}`);
  // Outside the root is never a file of ours (send() refuses it too; this keeps stat() inside).
  if (target !== root && !target.startsWith(root + path.sep)) return false;
  try {
    return (await stat(target)).isFile();
  } catch {
    // ENOENT and friends: not a file, so the navigation gets the app shell.
    return false;
  }
}
