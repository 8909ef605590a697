import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import type http from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { downloadAll, MediaDownloader, type DownloadJob } from '../src/index.js';
import { bytesOf, eventLog, sha1, tempDir, tinyServer } from './helpers.js';

const BODY = bytesOf(200_000, 7);

/** Serves BODY honouring `Range: bytes=N-` (206 + Content-Range), like S3. */
function serveRange(req: http.IncomingMessage, res: http.ServerResponse, body = BODY): void {
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  if (m?.[1] === undefined) {
    res.writeHead(200, { 'content-length': String(body.length) });
    res.end(body);
    return;
  }
  const start = Number(m[1]);
  if (start >= body.length) {
    res.writeHead(416, { 'content-range': `bytes */${body.length}` });
    res.end();
    return;
  }
  res.writeHead(206, {
    'content-length': String(body.length - start),
    'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
  });
  res.end(body.subarray(start));
}

describe('resume edge cases', () => {
  it('restarts from zero when the server ignores Range (200)', async () => {
    const server = await tinyServer((req, res) => {
      res.writeHead(200, { 'content-length': String(BODY.length) });
      res.end(BODY);
    });
    const root = tempDir('md-norange');
    const dest = join(root, 'a.bin');
    // A partial file of the wrong bytes: appending to it would corrupt the result.
    writeFileSync(`${dest}.partial`, Buffer.alloc(1234, 0xee));
    const log = eventLog();
    const report = await downloadAll(
      [{ id: 'a', url: `${server.url}/a.bin`, dest, size: BODY.length }],
      { root, onEvent: log.onEvent },
    );
    await server.close();
    expect(server.requests.map((r) => r.range)).toEqual(['bytes=1234-']);
    expect(readFileSync(dest).equals(BODY)).toBe(true);
    expect(existsSync(`${dest}.partial`)).toBe(false);
    expect(log.of('start')).toMatchObject([{ resumeFrom: 1234 }]);
    expect(log.of('restart')).toMatchObject([{ id: 'a', code: 'range-ignored' }]);
    expect(report).toMatchObject({ downloaded: 1, resumed: 0, restarts: 1, failed: [] });
  });

  it('continues with Range when the server honours it, and checks the whole file', async () => {
    const server = await tinyServer((req, res) => {
      serveRange(req, res);
    });
    const root = tempDir('md-range');
    const dest = join(root, 'b.bin');
    writeFileSync(`${dest}.partial`, BODY.subarray(0, 150_000));
    const report = await downloadAll(
      [{ id: 'b', url: `${server.url}/b.bin?sig=abcdef123`, dest, checksum: sha1(BODY) }],
      { root },
    );
    await server.close();
    expect(server.requests.map((r) => r.range)).toEqual(['bytes=150000-']);
    expect(readFileSync(dest).equals(BODY)).toBe(true);
    expect(report).toMatchObject({ downloaded: 1, resumed: 1, bytes: 50_000, failed: [] });
  });

  it('restarts on 416 and on a 206 for the wrong range; promotes a partial that is already whole', async () => {
    let calls = 0;
    const server = await tinyServer((req, res) => {
      calls++;
      if (req.url === '/wrong' && req.headers.range !== undefined) {
        res.writeHead(206, {
          'content-length': '10',
          'content-range': `bytes 0-9/${BODY.length}`,
        });
        res.end(BODY.subarray(0, 10));
        return;
      }
      if (req.url === '/refuse' && req.headers.range !== undefined) {
        res.writeHead(416, { 'content-range': 'bytes */1' });
        res.end();
        return;
      }
      serveRange(req, res);
    });
    const root = tempDir('md-416');
    const names = ['wrong', 'refuse', 'whole'];
    for (const n of names) {
      writeFileSync(
        join(root, `${n}.partial`),
        n === 'whole' ? BODY : BODY.subarray(0, 5000).map((b) => b ^ 0xff),
      );
    }
    const log = eventLog();
    const report = await downloadAll(
      names.map((n) => ({ id: n, url: `${server.url}/${n}`, dest: join(root, n) })),
      { root, onEvent: log.onEvent },
    );
    await server.close();
    for (const n of names) {
      expect(readFileSync(join(root, n)).equals(BODY), n).toBe(true);
    }
    expect(log.of('restart').map((e) => [e.id, e.code])).toEqual(
      expect.arrayContaining([
        ['wrong', 'range-mismatch'],
        ['refuse', 'range-unsatisfiable'],
      ]),
    );
    // 'whole': 416 with bytes */size equal to the partial file → promoted without a body.
    expect(log.of('done').find((e) => e.id === 'whole')).toMatchObject({ how: 'resumed' });
    expect(calls).toBe(2 + 2 + 1);
    expect(report.failed).toEqual([]);
  });

  it('fails after retries when the bytes do not match the checksum, leaving no file', async () => {
    const wrong = Buffer.from(BODY);
    wrong[100] = (wrong[100] ?? 0) ^ 1;
    const server = await tinyServer((req, res) => {
      res.writeHead(200, { 'content-length': String(wrong.length) });
      res.end(wrong);
    });
    const root = tempDir('md-checksum');
    const dest = join(root, 'c.jpg');
    const checksum = createHash('sha256').update(BODY).digest('hex');
    const log = eventLog();
    const report = await downloadAll([{ id: 'c', url: `${server.url}/c`, dest, checksum }], {
      root,
      onEvent: log.onEvent,
      retry: { retries: 2, baseDelayMs: 1 },
    });
    await server.close();
    expect(server.requests).toHaveLength(3);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]).toMatchObject({
      id: 'c',
      dest,
      code: 'checksum-mismatch',
      attempts: 3,
    });
    expect(report.failed[0]!.reason).toContain(`the job expects ${checksum}`);
    expect(report.failed[0]!.reason).toContain('gave up after 3 failed attempts');
    expect(log.of('retry').map((e) => e.code)).toEqual(['checksum-mismatch', 'checksum-mismatch']);
    expect(readdirSync(root)).toEqual([]);
  });

  it('continues after an idle timeout mid-body with a Range request', async () => {
    let first = true;
    const server = await tinyServer((req, res) => {
      if (first) {
        first = false;
        res.writeHead(200, { 'content-length': String(BODY.length) });
        res.write(BODY.subarray(0, 80_000)); // then silence
        return;
      }
      serveRange(req, res);
    });
    const root = tempDir('md-idle');
    const dest = join(root, 'd.bin');
    const log = eventLog();
    const report = await downloadAll(
      [{ id: 'd', url: `${server.url}/d`, dest, size: BODY.length }],
      {
        root,
        idleTimeoutMs: 200,
        onEvent: log.onEvent,
        retry: { baseDelayMs: 1 },
      },
    );
    await server.close();
    expect(log.of('retry')).toMatchObject([{ code: 'timeout' }]);
    expect(server.requests.map((r) => r.range)).toEqual([undefined, 'bytes=80000-']);
    expect(readFileSync(dest).equals(BODY)).toBe(true);
    expect(report).toMatchObject({ resumed: 1, failed: [] });
  });

  it('fails a file whose announced size differs from the job, and a 404 at once', async () => {
    const server = await tinyServer((req, res) => {
      if (req.url === '/missing') {
        res.writeHead(404, { 'content-type': 'application/xml' });
        res.end(
          '<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>',
        );
        return;
      }
      serveRange(req, res);
    });
    const root = tempDir('md-size');
    const report = await downloadAll(
      [
        { id: 's', url: `${server.url}/s`, dest: join(root, 's'), size: 10 },
        { id: 'm', url: `${server.url}/missing`, dest: join(root, 'm') },
      ],
      { root, retry: { retries: 1, baseDelayMs: 1 } },
    );
    await server.close();
    const byId = new Map(report.failed.map((f) => [f.id, f]));
    expect(report.failed).toHaveLength(2);
    expect(byId.get('m')).toEqual({
      id: 'm',
      dest: join(root, 'm'),
      code: 'http-404',
      reason: 'HTTP 404 NoSuchKey: The specified key does not exist.',
      attempts: 1,
      status: 404,
    });
    expect(byId.get('s')).toMatchObject({ code: 'size-mismatch', attempts: 2 });
    expect(byId.get('s')!.reason).toBe(
      'the server announces 200000 bytes, the job expects 10 (gave up after 2 failed attempts)',
    );
    expect(readdirSync(root)).toEqual([]);
  });
});

describe('redirects', () => {
  it('follows up to 5 http redirects and refuses other schemes', async () => {
    const server = await tinyServer((req, res) => {
      const m = /^\/hop\/(\d+)$/.exec(req.url ?? '');
      if (m?.[1] !== undefined) {
        const n = Number(m[1]);
        res.writeHead(302, {
          location: n === 0 ? '/file?X-Amz-Signature=feedface99' : `/hop/${n - 1}`,
        });
        res.end();
        return;
      }
      if (req.url === '/to-file') {
        res.writeHead(301, { location: 'file:///etc/passwd?token=topsecret77' });
        res.end();
        return;
      }
      serveRange(req, res);
    });
    const root = tempDir('md-redirect');
    const log = eventLog();
    const report = await downloadAll(
      [
        { id: 'five', url: `${server.url}/hop/4`, dest: join(root, 'five') },
        { id: 'six', url: `${server.url}/hop/5`, dest: join(root, 'six') },
        { id: 'file', url: `${server.url}/to-file`, dest: join(root, 'file') },
      ],
      { root, onEvent: log.onEvent },
    );
    await server.close();
    expect(readFileSync(join(root, 'five')).equals(BODY)).toBe(true);
    expect(report.failed.map((f) => `${f.id}:${f.code}`).sort()).toEqual([
      'file:bad-redirect',
      'six:too-many-redirects',
    ]);
    expect(existsSync(join(root, 'six'))).toBe(false);
    const text = JSON.stringify([log.events, report]);
    expect(text).not.toContain('topsecret77');
    expect(text).not.toContain('feedface99');
  });
});

describe('safety', () => {
  it('refuses destinations outside the root, also through a symlinked folder', async () => {
    const server = await tinyServer((req, res) => {
      serveRange(req, res);
    });
    const base = tempDir('md-root');
    const root = join(base, 'root');
    const outside = join(base, 'outside');
    mkdirSync(root);
    mkdirSync(outside);
    symlinkSync(outside, join(root, 'escape'));
    const url = `${server.url}/x`;
    const log = eventLog();
    const report = await downloadAll(
      [
        { id: 'dotdot', url, dest: join(root, '..', 'outside', 'a') },
        { id: 'relative', url, dest: '../outside/b' },
        { id: 'absolute', url, dest: join(outside, 'c') },
        { id: 'root-itself', url, dest: root },
        { id: 'symlinked', url, dest: join(root, 'escape', 'd') },
        { id: 'symlinked-deep', url, dest: join(root, 'escape', 'new', 'e') },
        { id: 'fine', url, dest: 'sub/ok.bin' },
      ],
      { root, onEvent: log.onEvent },
    );
    await server.close();
    expect(report.failed.map((f) => `${f.id}:${f.code}`).sort()).toEqual([
      'absolute:outside-root',
      'dotdot:outside-root',
      'relative:outside-root',
      'root-itself:outside-root',
      'symlinked-deep:outside-root',
      'symlinked:outside-root',
    ]);
    expect(report.failed[0]!.reason).toContain('is not inside');
    expect(readdirSync(outside)).toEqual([]);
    expect(readFileSync(join(root, 'sub', 'ok.bin')).equals(BODY)).toBe(true);
    expect(server.requests).toHaveLength(1);
    expect(log.of('fail')).toHaveLength(6);
  });

  it('never shows a query string in events, reasons or errors', async () => {
    const SECRET = 'Zm9vYmFyc2lnbmF0dXJl';
    const server = await tinyServer((req, res) => {
      if (req.url?.startsWith('/echo')) {
        // Some servers echo the request (S3's SignatureDoesNotMatch carries the query).
        res.writeHead(400, { 'content-type': 'application/xml' });
        res.end(
          `<Error><Code>SignatureDoesNotMatch</Code><Message>bad ${req.url}</Message><StringToSign>${req.url}</StringToSign></Error>`,
        );
        return;
      }
      if (req.url?.startsWith('/flaky')) {
        res.writeHead(503, { 'retry-after': '0' });
        res.end(JSON.stringify({ detail: `busy, try ${req.url} later` }));
        return;
      }
      res.writeHead(403);
      res.end();
    });
    const root = tempDir('md-redact');
    const q = `?X-Amz-Credential=AKIA123&X-Amz-Signature=${SECRET}&Expires=99`;
    const log = eventLog();
    const report = await downloadAll(
      [
        { id: 'echo', url: `${server.url}/echo${q}`, dest: join(root, 'a') },
        { id: 'flaky', url: `${server.url}/flaky${q}`, dest: join(root, 'b') },
        {
          id: 'refresh-throws',
          url: `${server.url}/forbidden${q}`,
          dest: join(root, 'c'),
          refresh: () => Promise.reject(new Error(`cannot sign ${server.url}/forbidden${q}`)),
        },
        { id: 'refused', url: `http://127.0.0.1:1/nothing${q}`, dest: join(root, 'd') },
        { id: 'ftp', url: `ftp://example.com/x${q}`, dest: join(root, 'e') },
      ],
      { root, onEvent: log.onEvent, retry: { retries: 1, baseDelayMs: 1 } },
    );
    await server.close();
    expect(report.failed.map((f) => `${f.id}:${f.code}:${f.attempts}`).sort()).toEqual([
      'echo:http-400:1',
      'flaky:http-503:2',
      'ftp:unsupported-scheme:0',
      'refresh-throws:refresh-failed:1',
      'refused:ECONNREFUSED:2',
    ]);
    const text = JSON.stringify([log.events, report]);
    for (const secret of [SECRET, 'AKIA123', 'X-Amz-Signature', 'Expires=99']) {
      expect(text).not.toContain(secret);
    }
    // The reasons still say what happened.
    expect(report.failed.find((f) => f.id === 'echo')!.reason).toMatch(
      /^HTTP 400 SignatureDoesNotMatch: bad \/echo\?\*\*\*$/,
    );
    expect(report.failed.find((f) => f.id === 'refresh-throws')!.reason).toContain(
      'cannot sign http://127.0.0.1:',
    );
  });
});

describe('scheduling', () => {
  it('add() waits while the queue is full (back-pressure)', async () => {
    const held: http.ServerResponse[] = [];
    const server = await tinyServer((_req, res) => {
      held.push(res);
    });
    const root = tempDir('md-bp');
    const dl = new MediaDownloader({ root, concurrency: 1, queueSize: 2 });
    const job = (n: number): DownloadJob => ({
      id: `j${n}`,
      url: `${server.url}/${n}`,
      dest: join(root, `${n}`),
    });
    const settled: number[] = [];
    await dl.add(job(1)); // starts at once
    await dl.add(job(2)); // queued
    await dl.add(job(3)); // queued: the queue is full now
    const fourth = dl.add(job(4)).then(() => settled.push(4));
    const fifth = dl.add(job(5)).then(() => settled.push(5));
    await new Promise((r) => setTimeout(r, 150));
    expect(settled).toEqual([]);
    expect(server.requests).toHaveLength(1);
    const release = (): void => {
      for (const res of held.splice(0)) {
        res.writeHead(200, { 'content-length': '3' });
        res.end('abc');
      }
    };
    release();
    await fourth; // one place freed: the fourth gets it, the fifth still waits
    expect(settled).toEqual([4]);
    const timer = setInterval(release, 5);
    await fifth;
    const report = await dl.finish();
    clearInterval(timer);
    await server.close();
    expect(settled).toEqual([4, 5]);
    expect(report).toMatchObject({ files: 5, downloaded: 5, failed: [] });
  });

  it('refuses a second job for a destination in flight, and add() after finish()', async () => {
    const server = await tinyServer((req, res) => {
      setTimeout(() => {
        serveRange(req, res);
      }, 20);
    });
    const root = tempDir('md-dup');
    const dl = new MediaDownloader({ root });
    await dl.add({ id: 'one', url: `${server.url}/a`, dest: 'same.bin' });
    await dl.add({ id: 'two', url: `${server.url}/b`, dest: join(root, 'same.bin') });
    const report = await dl.finish();
    await server.close();
    expect(report.downloaded).toBe(1);
    expect(report.failed).toMatchObject([{ id: 'two', code: 'duplicate-dest', attempts: 0 }]);
    await expect(dl.add({ id: 'late', url: `${server.url}/c`, dest: 'late' })).rejects.toThrow(
      'add() was called after finish()',
    );
  });

  it('keeps to the per-host limit while using the global concurrency across hosts', async () => {
    const make = async (): Promise<{
      server: Awaited<ReturnType<typeof tinyServer>>;
      max: () => number;
    }> => {
      let now = 0;
      let max = 0;
      const server = await tinyServer((_req, res) => {
        now++;
        max = Math.max(max, now);
        setTimeout(() => {
          now--;
          res.writeHead(200, { 'content-length': '2' });
          res.end('ok');
        }, 30);
      });
      return { server, max: () => max };
    };
    const a = await make();
    const b = await make();
    const root = tempDir('md-perhost');
    let inFlight = 0;
    let maxInFlight = 0;
    const jobs: DownloadJob[] = [];
    for (let i = 0; i < 24; i++) {
      const s = i % 2 === 0 ? a.server : b.server;
      jobs.push({ id: `f${i}`, url: `${s.url}/f${i}`, dest: join(root, `f${i}`) });
    }
    const report = await downloadAll(jobs, {
      root,
      concurrency: 8,
      perHost: 3,
      onEvent: (e) => {
        if (e.type === 'start') {
          maxInFlight = Math.max(maxInFlight, ++inFlight);
        } else if (e.type === 'done') {
          inFlight--;
        }
      },
    });
    await a.server.close();
    await b.server.close();
    expect(report.downloaded).toBe(24);
    expect(a.max()).toBe(3);
    expect(b.max()).toBe(3);
    expect(maxInFlight).toBe(6);
  });
});

describe('fetch(): a job awaited until it settles', () => {
  it('resolves done once the file is in place, skipped for a verified copy, failed for a 404', async () => {
    const server = await tinyServer((req, res) => {
      if (req.url === '/missing') {
        res.writeHead(404).end();
        return;
      }
      serveRange(req, res);
    });
    const root = tempDir('md-fetch');
    try {
      const dl = new MediaDownloader({ root, retry: { retries: 0 } });
      const dest = join(root, 'a.bin');
      expect(await dl.fetch({ id: 'a', url: `${server.url}/a`, dest, size: BODY.length })).toBe(
        'done',
      );
      // The bytes are there when fetch() resolves, before finish().
      expect(sha1(readFileSync(dest))).toBe(sha1(BODY));
      expect(
        await dl.fetch({
          id: 'm',
          url: `${server.url}/missing`,
          dest: join(root, 'm.bin'),
        }),
      ).toBe('failed');
      const report = await dl.finish();
      expect(report.failed.map((f) => f.id)).toEqual(['m']);
      const again = new MediaDownloader({ root });
      expect(
        await again.fetch({
          id: 'a',
          url: `${server.url}/a`,
          dest,
          size: BODY.length,
          checksum: sha1(BODY),
        }),
      ).toBe('skipped');
      await again.finish();
      expect(server.requests.filter((r) => r.path === '/a')).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('rejects with SYNX_ABORTED when the run is cancelled while it waits', async () => {
    const server = await tinyServer(() => {
      // never answers
    });
    const root = tempDir('md-fetch-abort');
    const ac = new AbortController();
    const dl = new MediaDownloader({ root, signal: ac.signal });
    const pending = dl.fetch({ id: 'x', url: `${server.url}/x`, dest: join(root, 'x.bin') });
    setTimeout(() => {
      ac.abort();
    }, 50);
    await expect(pending).rejects.toMatchObject({ code: 'SYNX_ABORTED' });
    await dl.finish().catch(() => undefined);
    await server.close();
  });
});
