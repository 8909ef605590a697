import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, synx, tempDir } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';

/** Chromium flags that keep it off the network and quiet. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Exports the demo with its originals, then (re)writes report.html with `synx report`. */
async function exportAndReport(format: string, out: string): Promise<string> {
  const e = await synx([
    'export',
    '--from',
    DEMO,
    '--format',
    format,
    '--save-original-files',
    '--split',
    '0.6/0.2/0.2',
    '--output',
    out,
  ]);
  expect(e.code, e.stderr).toBe(0);
  const r = await synx(['report', out, '--json']);
  expect(r.code, r.stderr).toBe(0);
  const { report } = JSON.parse(r.stdout) as { report: string };
  expect(report).toBe(join(out, 'report.html'));
  return report;
}

interface Opened {
  readonly errors: string[];
  readonly blocked: string[];
  readonly screenshot: Buffer;
  readonly box: {
    readonly svg: { left: number; top: number; width: number; height: number };
    readonly size: { W: number; H: number };
    readonly image: { left: number; top: number; width: number; height: number };
    readonly rect: { left: number; top: number; width: number; height: number };
    readonly coords: { x: number; y: number; w: number; h: number };
  } | null;
}

/** The first drawn box over a shown image: rectangles on screen and the box's coordinates. */
const FIND_BOX = `(() => {
  const plain = (r) => ({ left: r.left, top: r.top, width: r.width, height: r.height });
  for (const svg of document.querySelectorAll('svg.sample')) {
    const image = svg.querySelector('image');
    const rect = svg.querySelector('rect[data-kind="bbox"]');
    if (image === null || rect === null) continue;
    const d = rect.dataset;
    return {
      svg: plain(svg.getBoundingClientRect()),
      size: { W: Number(svg.dataset.width), H: Number(svg.dataset.height) },
      image: plain(image.getBoundingClientRect()),
      rect: plain(rect.getBoundingClientRect()),
      coords: { x: Number(d.x), y: Number(d.y), w: Number(d.w), h: Number(d.h) },
    };
  }
  return null;
})()`;

describe.skipIf(!existsSync(CHROMIUM))('report.html in headless Chromium', () => {
  let browser: BrowserContext | undefined;
  const profile = mkdtempSync(join(tmpdir(), 'synx-chromium-'));

  beforeAll(async () => {
    // A fresh profile for every run.
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ARGS,
      viewport: { width: 1280, height: 900 },
    });
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  /** Opens a report; any request that is not file: or data: is blocked and recorded. */
  async function open(path: string): Promise<Opened> {
    if (browser === undefined) {
      throw new Error('Chromium did not start');
    }
    const page = await browser.newPage();
    const errors: string[] = [];
    const blocked: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') {
        errors.push(m.text());
      }
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) {
        await route.continue();
      } else {
        blocked.push(url);
        await route.abort();
      }
    });
    await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
    const screenshot = await page.screenshot({ fullPage: true });
    // A string, run in the page: the tests are compiled without the DOM's types.
    const box = await page.evaluate<Opened['box']>(FIND_BOX);
    await page.close();
    return { errors, blocked, screenshot, box };
  }

  it('COCO: renders without errors or requests, is not blank, and draws a box where its coordinates say', async () => {
    const report = await exportAndReport('coco', join(tempDir('report-coco'), 'coco'));
    const html = readFileSync(report, 'utf8');
    expect(html).not.toContain('split not known');
    expect(html).toContain('<h2>Gallery</h2>');
    const opened = await open(report);
    expect(opened.errors).toEqual([]);
    expect(opened.blocked).toEqual([]);

    // Not blank: many colours and a real spread of brightness.
    const { data, info } = await sharp(opened.screenshot)
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(info.height).toBeGreaterThan(2000);
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += info.channels * 97) {
      colours.add(((data[i] ?? 0) << 16) | ((data[i + 1] ?? 0) << 8) | (data[i + 2] ?? 0));
    }
    expect(colours.size).toBeGreaterThan(50);
    const stats = await sharp(opened.screenshot).stats();
    expect(Math.max(...stats.channels.slice(0, 3).map((c) => c.stdev))).toBeGreaterThan(20);

    // The drawn box: the viewBox (the image's own pixels) is fitted into the rendered SVG
    // (letterboxed, centred), so pixel (x, y) is at offset + (x, y) × scale on screen.
    const b = opened.box;
    expect(b).not.toBeNull();
    if (b === null) {
      return;
    }
    const scale = Math.min(b.svg.width / b.size.W, b.svg.height / b.size.H);
    const ox = b.svg.left + (b.svg.width - b.size.W * scale) / 2;
    const oy = b.svg.top + (b.svg.height - b.size.H * scale) / 2;
    expect(scale).toBeGreaterThan(0.1);
    // the image covers exactly the viewBox
    expect(Math.abs(b.image.left - ox)).toBeLessThan(1.5);
    expect(Math.abs(b.image.top - oy)).toBeLessThan(1.5);
    expect(Math.abs(b.image.width - b.size.W * scale)).toBeLessThan(1.5);
    expect(Math.abs(b.image.height - b.size.H * scale)).toBeLessThan(1.5);
    // the box is where its coordinates say
    expect(Math.abs(b.rect.left - (ox + b.coords.x * scale))).toBeLessThan(1.5);
    expect(Math.abs(b.rect.top - (oy + b.coords.y * scale))).toBeLessThan(1.5);
    expect(Math.abs(b.rect.width - b.coords.w * scale)).toBeLessThan(1.5);
    expect(Math.abs(b.rect.height - b.coords.h * scale)).toBeLessThan(1.5);
  });

  it('YOLO: `synx report` reads the labels back, knows the splits and shows the originals', async () => {
    const report = await exportAndReport('yolo', join(tempDir('report-yolo'), 'yolo'));
    const html = readFileSync(report, 'utf8');
    expect(html).not.toContain('split not known');
    expect(html).toMatch(/<\/i><\/span>train<\/td><td class="n">\d+<\/td>/);
    expect(html).toContain('<image href="data:image/jpeg;base64,');
    expect(html).not.toContain('media not saved');
    const opened = await open(report);
    expect(opened.errors).toEqual([]);
    expect(opened.blocked).toEqual([]);
    expect(opened.box).not.toBeNull();
  });
});

describe('synx report', () => {
  it('fails with exit 2 and a hint on a folder without a manifest', async () => {
    const dir = tempDir('report-empty');
    const r = await synx(['report', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('holds no synx-export.json');
    expect(r.stderr).toContain('hint: point at a folder written by synx export');
  });

  it('regenerates the same bytes, and without saved originals draws on a neutral canvas', async () => {
    const out = join(tempDir('report-plain'), 'csv');
    const e = await synx(['export', '--from', DEMO, '--format', 'csv', '--output', out]);
    expect(e.code, e.stderr).toBe(0);
    const r1 = await synx(['report', out]);
    expect(r1.code, r1.stderr).toBe(0);
    expect(r1.stdout).toContain('report.html');
    const first = readFileSync(join(out, 'report.html'), 'utf8');
    expect(first).toContain('media not saved');
    const r2 = await synx(['report', out]);
    expect(r2.code, r2.stderr).toBe(0);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toBe(first);
  });

  it('says so, and exits 10, when the files give back fewer items than the export wrote', async () => {
    // YOLO's reader needs the images (for their sizes): labels alone read back as nothing
    const out = join(tempDir('report-partial'), 'yolo');
    const e = await synx(['export', '--from', DEMO, '--format', 'yolo', '--output', out]);
    expect(e.code, e.stderr).toBe(0);
    const exported = readFileSync(join(out, 'report.html'), 'utf8');
    expect(exported).not.toContain('Warning');
    const r = await synx(['report', out]);
    expect(r.code).toBe(10);
    expect(r.stderr).toMatch(/read 0 of the 30 items/);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain(
      'the charts and the gallery hold 0 of the 30 items the export wrote',
    );
  });
});
