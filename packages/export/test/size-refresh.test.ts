import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { placeholderImage } from '@synx/fake-synapse';
import { retryPolicy, type Issue, type Media } from '@synx/model';
import { describe, expect, it } from 'vitest';
import { sizeImages } from '../src/index.js';

describe('sizeImages: an expired URL signed again', () => {
  it('retries a refused URL that the refresh gives back unchanged, and reads the size', async () => {
    const jpeg = placeholderImage('a.jpg', 320, 200);
    let requests = 0;
    const server = http.createServer((req, res) => {
      requests++;
      if (requests === 1) {
        res.writeHead(403, { 'content-type': 'application/xml' });
        res.end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
        return;
      }
      res.writeHead(200, { 'content-length': String(jpeg.length) });
      res.end(jpeg);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/a.jpg?sig=1`;
    try {
      const media: Media = { id: 'image_1', kind: 'image', file: { url }, annotations: [] };
      const issues: Issue[] = [];
      let refreshes = 0;
      await sizeImages([media], 'item-1', issues, {
        retry: retryPolicy({ retries: 3, baseDelayMs: 5, maxDelayMs: 10 }),
        // Signed again in the same instant: the same URL.
        refresh: () => {
          refreshes++;
          return Promise.resolve(url);
        },
      });
      expect(issues).toEqual([]);
      expect(refreshes).toBe(1);
      expect([media.width, media.height]).toEqual([320, 200]);
      expect(requests).toBe(2);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
