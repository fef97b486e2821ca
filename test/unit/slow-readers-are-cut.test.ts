import http from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { boundedResponse } from '../../src/server/slow-readers.js';
import { chooseEncoding } from '../../src/server/static-assets.js';

describe('a streamed response to a client that stopped reading is closed at the buffer limit', () => {
  let server: http.Server;
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('closes an event stream once more than maxBufferedBytes wait, having written about that much', async () => {
    const limit = 256 * 1024;
    let cut = 0;
    let written = 0;
    const closed = new Promise<void>((resolve) => {
      server = http.createServer({ ServerResponse: boundedResponse(limit, () => (cut += 1)) }, (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const event = `data: ${'x'.repeat(16 * 1024)}\n\n`;
        const push = () => {
          // An event source that does not wait for 'drain', as a subscription's events do not.
          while (!res.destroyed && written < 1024 * 1024 * 1024) {
            res.write(event);
            written += event.length;
            if (written % (1024 * 1024) < event.length) return setImmediate(push);
          }
        };
        res.on('close', () => resolve());
        push();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1', () => client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    client.pause();
    await closed;
    client.destroy();
    expect(cut).toBe(1);
    // What the kernel took plus the limit: far from the gigabyte the source would have written.
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('the encoding of a static asset', () => {
  it.each([
    ['gzip, deflate, br', 'br'],
    ['gzip', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['identity', null],
    ['*', 'br'],
    ['*, br;q=0', 'gzip'],
    [undefined, null],
  ])('Accept-Encoding %s → %s', (header, expected) => {
    expect(chooseEncoding(header)).toBe(expected);
  });
});
