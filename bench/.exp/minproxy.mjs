import http from "node:http";
import { Pool } from "undici";
const pool = new Pool(process.env.API_URL, { connections: 64 });
const server = http.createServer(async (req, res) => {
  const r = await pool.request({ path: req.url, method: req.method, headers: { authorization: req.headers.authorization } });
  const body = Buffer.from(await r.body.arrayBuffer());
  res.writeHead(r.statusCode, { "content-type": r.headers["content-type"], "content-length": body.length });
  res.end(body);
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`gateway listening on http://127.0.0.1:${server.address().port}\n`));
