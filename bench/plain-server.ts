/** The baseline: a plain node:https server answering every request with the same JSON body, same certificate. */
import { createServer } from 'node:https';
import type { Server } from 'node:https';

/** Starts on 127.0.0.1 with a free port; resolves the server and its port. */
export async function startPlainServer(
  tls: { key: string; cert: string },
  body: string,
): Promise<{ server: Server; port: number }> {
  const server = createServer({ key: tls.key, cert: tls.cert }, (_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}
