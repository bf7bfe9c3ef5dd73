/**
 * Real servers for the remote tests, on 127.0.0.1 with authentication on: rclone's WebDAV server
 * (Debian's rclone) and s3rver (an S3 implementation from npm that checks SigV4 signatures).
 * In front of each, a small reverse proxy of the kind people deploy: it counts the bytes it
 * sends back (so tests can prove how little a partial restore fetches), adds CORS headers, and
 * can inject faults (a connection dropped mid-upload, a full disk).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { AwsV4Signer } from 'aws4fetch';

export const DAV_USER = 'coffer-test';
export const DAV_PASSWORD = 'dav secret 0xC0FFEE';
export const S3_KEY_ID = 'S3RVER';
export const S3_SECRET = 'S3RVER';

async function waitForPort(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface Running {
  stop(): Promise<void>;
}

/** `rclone serve webdav DIR` with a user and password (and --read-only if asked). */
export async function startWebDav(dir: string, port: number, readOnly = false): Promise<Running> {
  // No directory cache: the tests also change files on disk behind the server's back.
  const args = ['serve', 'webdav', dir, '--addr', `127.0.0.1:${port}`, '--user', DAV_USER, '--pass', DAV_PASSWORD];
  args.push('--dir-cache-time', '0s');
  if (readOnly) args.push('--read-only');
  const child: ChildProcess = spawn('rclone', args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, RCLONE_CONFIG: '/nonexistent/rclone.conf' },
  });
  let log = '';
  child.stderr?.on('data', (data) => {
    log += String(data);
  });
  try {
    await waitForPort(port);
  } catch (error) {
    child.kill();
    throw new Error(`rclone did not start: ${log}`, { cause: error });
  }
  return {
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill();
      }),
  };
}

/** s3rver with a bucket, storing its objects under dir. */
export async function startS3(dir: string, port: number, bucket: string): Promise<Running> {
  const S3rver = createRequire(import.meta.url)('s3rver') as new (
    options: object,
  ) => { run(): Promise<unknown>; close(): Promise<void> };
  const server = new S3rver({
    address: '127.0.0.1',
    port,
    directory: dir,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  await server.run();
  return { stop: () => server.close() };
}

export interface Fault {
  /** Requests it applies to. */
  method: string;
  /** Drop the connection after this many request-body bytes have passed. */
  dropAfter?: number;
  /** Answer with this status instead of forwarding. */
  status?: number;
  body?: string;
  /** Cut an open-ended range response (`bytes=N-`) after this many bytes. */
  dropResponseAfter?: number;
  /** How many requests it hits before it is spent. */
  times: number;
}

export interface TestProxy extends Running {
  readonly origin: string;
  /** Bytes of response bodies sent back since the last reset. */
  bytesOut: number;
  requests: { method: string; url: string; range?: string }[];
  faults: Fault[];
  /** Requests without an Authorization header are refused (401/403), as a real deployment does. */
  requireAuth: 'basic' | 's3' | undefined;
  /** Off: the proxy sends no CORS headers, as a server set up without them (browsers then refuse). */
  cors: boolean;
  /** Requests whose path matches wait for `until` before they are forwarded (a slow server). */
  hold: { path: RegExp; until: Promise<void> } | undefined;
  reset(): void;
}

/**
 * s3rver checks the access key id but not SigV4 signatures; the gateway checks them, as S3
 * does: the request is signed again with the secret and the signatures must match.
 */
async function validSignature(req: http.IncomingMessage): Promise<boolean> {
  const authorization = req.headers.authorization ?? '';
  const parts =
    /Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)/.exec(
      authorization,
    );
  if (!parts || parts[1] !== S3_KEY_ID) return parts !== null; // an unknown key id is s3rver's to refuse
  const headers: Record<string, string> = {};
  for (const name of parts[4].split(';')) if (name !== 'host') headers[name] = String(req.headers[name] ?? '');
  const signer = new AwsV4Signer({
    method: req.method,
    url: `http://${req.headers.host}${req.url}`,
    headers,
    accessKeyId: S3_KEY_ID,
    secretAccessKey: S3_SECRET,
    service: 's3',
    region: parts[3],
    datetime: String(req.headers['x-amz-date']),
    allHeaders: true,
  });
  return (await signer.authHeader()) === authorization.replace(/, /g, ', ');
}

/** A reverse proxy to 127.0.0.1:upstream on 127.0.0.1:port. */
export async function startProxy(port: number, upstream: number): Promise<TestProxy> {
  const sockets = new Set<import('node:net').Socket>();
  const proxy: TestProxy = {
    origin: `http://127.0.0.1:${port}`,
    bytesOut: 0,
    requests: [],
    faults: [],
    requireAuth: undefined,
    cors: true,
    hold: undefined,
    reset() {
      proxy.bytesOut = 0;
      proxy.requests = [];
      proxy.faults = [];
    },
    stop: () =>
      new Promise((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
  const allowed = {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'GET, HEAD, PUT, POST, DELETE, MOVE, PROPFIND, MKCOL, OPTIONS',
    'access-control-allow-headers':
      'authorization, content-type, content-length, range, destination, overwrite, depth, if-none-match, x-amz-date, x-amz-content-sha256, x-amz-security-token',
    'access-control-expose-headers': 'content-length, content-range, etag, accept-ranges',
  };
  const server = http.createServer(async (req, res) => {
    const cors = proxy.cors ? allowed : {};
    const method = req.method ?? 'GET';
    proxy.requests.push({ method, url: req.url ?? '', range: req.headers.range });
    if (method === 'OPTIONS') {
      res.writeHead(204, cors).end();
      return;
    }
    if (proxy.requireAuth && !req.headers.authorization) {
      const status = proxy.requireAuth === 'basic' ? 401 : 403;
      res.writeHead(status, { ...cors, 'content-type': 'application/xml' });
      res.end('<Error><Code>AccessDenied</Code><Message>Anonymous access is not allowed</Message></Error>');
      return;
    }
    if (proxy.requireAuth === 's3' && !(await validSignature(req))) {
      req.resume();
      res.writeHead(403, { ...cors, 'content-type': 'application/xml' });
      res.end(
        '<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message></Error>',
      );
      return;
    }
    if (proxy.hold?.path.test(req.url ?? '')) await proxy.hold.until;
    const openRange = /^bytes=\d+-$/.test(req.headers.range ?? '');
    const fault = proxy.faults.find(
      (candidate) =>
        candidate.method === method && candidate.times > 0 && (candidate.dropResponseAfter === undefined || openRange),
    );
    if (fault) fault.times--;
    if (fault?.status) {
      req.resume();
      res.writeHead(fault.status, { ...cors, 'content-type': 'text/plain' }).end(fault.body ?? '');
      return;
    }
    const forward = http.request(
      { host: '127.0.0.1', port: upstream, method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, { ...answer.headers, ...cors });
        let sent = 0;
        answer.on('data', (piece: Buffer) => {
          proxy.bytesOut += piece.length;
          sent += piece.length;
          if (fault?.dropResponseAfter !== undefined && sent > fault.dropResponseAfter) {
            answer.destroy();
            res.socket?.destroy();
          }
        });
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    let seen = 0;
    req.on('data', (piece: Buffer) => {
      seen += piece.length;
      if (fault?.dropAfter !== undefined && seen > fault.dropAfter) {
        forward.destroy();
        req.socket.destroy();
      }
    });
    req.pipe(forward);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return proxy;
}
