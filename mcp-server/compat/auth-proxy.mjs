// A loopback reverse proxy that adds `Authorization: Bearer $TODO_TOKEN` to every request that
// has none, and forwards everything else untouched (method, path, body, Host and Origin
// headers), so that the conformance suite, which cannot send headers, can reach todo-mcp's
// authenticated /mcp endpoint. The Host/Origin checks (dns-rebinding-protection) therefore still
// run against todo-mcp itself.
//   TODO_TOKEN=... node auth-proxy.mjs <listen-port> <upstream-origin, e.g. http://127.0.0.1:8001>
import http from "node:http";

const [port, upstream] = process.argv.slice(2);
const token = process.env.TODO_TOKEN;
if (!port || !upstream || !token) {
  console.error("usage: TODO_TOKEN=... node auth-proxy.mjs PORT UPSTREAM_ORIGIN");
  process.exit(2);
}
const target = new URL(upstream);

const server = http.createServer((req, res) => {
  const headers = { ...req.headers };
  if (!headers.authorization) headers.authorization = `Bearer ${token}`;
  const forward = http.request(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  forward.on("error", (e) => {
    res.writeHead(502, { "content-type": "text/plain" });
    res.end(`auth-proxy: ${e.message}`);
  });
  req.pipe(forward);
});
server.listen(Number(port), "127.0.0.1", () => console.error(`auth-proxy listening on ${port}`));
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.close(() => process.exit(0)));
