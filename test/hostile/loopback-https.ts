/**
 * Requests to a server under test on 127.0.0.1 over HTTPS, as hostile tests send them: no connection
 * reuse, the server's certificate not verified (the tests judge the server's answers, not its TLS), the
 * Host header as given. `rawTls` sends bytes no client library would.
 */
import { request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:tls';

export interface HttpsAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** GET `path` on 127.0.0.1:`port` with these headers (`host` among them). */
export function httpsGet(port: number, path: string, headers: Record<string, string>): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'GET', rejectUnauthorized: false, agent: false, headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Raw bytes over TLS to 127.0.0.1:`port`; resolves with everything the server answered before it closed. */
export function rawTls(port: number, servername: string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername });
    let out = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (out += c));
    socket.on('end', () => resolve(out));
    socket.on('close', () => resolve(out));
    // A server that resets the connection after answering has still answered.
    socket.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'ECONNRESET' ? resolve(out) : reject(err),
    );
    socket.write(text);
  });
}
