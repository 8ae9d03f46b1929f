import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** Where `npm run dev` sends API and WebSocket calls: the gateway of `npm start`. */
const gateway = globalThis.process?.env["MATERI_GATEWAY_URL"] ?? "http://127.0.0.1:8080";

export default defineConfig(() => ({
  // Fast Refresh in `npm run dev`, the automatic JSX runtime in both.
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // The editor (TipTap, ProseMirror, Yjs) is its own chunk, loaded when a document opens.
    chunkSizeWarningLimit: 700,
  },
  server: {
    proxy: {
      "/api": { target: gateway, changeOrigin: true },
      "/collab": { target: gateway.replace(/^http/, "ws"), ws: true, changeOrigin: true },
    },
  },
}));
