/**
 * The baseline: a plain node:https server answering every request with the same JSON body, with the same
 * certificate and chain as the s2s server and node's default keep-alive (and the hello answer on the
 * hello path, bench/hello.ts). Run as its own process:
 * node --import tsx bench/plain-server.ts <tls-json-file> <body-file>  — prints "ready <port>".
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import { fileURLToPath } from 'node:url';
import { HELLO_BODY, HELLO_PATH } from './hello.ts';

/** Starts on 127.0.0.1 with a free port; resolves the server and its port. */
export async function startPlainServer(
  tls: { key: string; cert: string },
  body: string,
): Promise<{ server: Server; port: number }> {
  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const answer = req.url === HELLO_PATH ? HELLO_BODY : body;
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(answer),
    });
    res.end(answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [tlsFile, bodyFile] = process.argv.slice(2);
  const tls = JSON.parse(readFileSync(tlsFile!, 'utf8')) as { key: string; cert: string };
  const { port } = await startPlainServer(tls, readFileSync(bodyFile!, 'utf8'));
  process.on('SIGTERM', () => process.exit(0));
  process.stdout.write(`ready ${port}\n`);
}
