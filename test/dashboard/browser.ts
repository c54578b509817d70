import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
/** The overview in the README; rewritten only when asked, so a test run leaves the tree clean. */
const README_SHOT = fileURLToPath(new URL('../../dashboards/screenshot-overview.png', import.meta.url));

/** Debian's chromium, headless; playwright gives every launch a fresh temporary profile (user data dir). */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
}

export interface WatchedPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Uncaught exceptions in the page: a working page has none. */
  readonly errors: string[];
}

/** A new context (own sessionStorage), optionally already holding the given Authorization header value. */
export async function openPage(browser: Browser, authorization?: string): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  if (authorization) await context.addInitScript((value) => sessionStorage.setItem('outpost.authorization', value), authorization);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return { page, context, errors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = `${SCREENSHOTS}${name}.png`;
  // Cropped to the content: the overview's few rows would otherwise sit in a page of white.
  const height = await page.evaluate(() => Math.ceil(document.querySelector('main')!.getBoundingClientRect().bottom + window.scrollY) + 16);
  await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width: page.viewportSize()!.width, height } });
  if (name === 'overview' && process.env.OUTPOST_UPDATE_README_SCREENSHOT === '1') copyFileSync(file, README_SHOT);
}

export interface DrawnChart {
  /** The series' labels, as the legend shows them. */
  readonly labels: string[];
  /** Per series: how many of its points have a value. */
  readonly points: number[];
  /** Per series: its latest value. */
  readonly latest: Array<number | null>;
  /** Canvas pixels in the series' colours: lines were actually drawn. */
  readonly inked: number;
}

/**
 * What the uPlot chart inside `selector` holds and drew: its data arrays (kept on the element as `uplot`) and a
 * count of canvas pixels in the first series' stroke colour.
 */
export function chartIn(page: Page, selector: string): Promise<DrawnChart | null> {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel) as (HTMLElement & { uplot?: any }) | null;
    const u = el?.uplot;
    if (!u) return null;
    const ys: Array<Array<number | null>> = u.data.slice(1);
    const canvas = el!.querySelector('canvas') as HTMLCanvasElement;
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    // Lines may lie on top of each other (both test agents read this machine's /proc), so every series' colour counts.
    const colours = u.series.slice(1).map((s: { stroke: (u: unknown, i: number) => string }, i: number) => {
      const hex = String(s.stroke(u, i + 1));
      return [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));
    });
    let inked = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i + 3]! < 100) continue;
      if (colours.some(([r, g, b]: number[]) => Math.abs(pixels[i]! - r!) < 40 && Math.abs(pixels[i + 1]! - g!) < 40 && Math.abs(pixels[i + 2]! - b!) < 40)) inked++;
    }
    return {
      labels: u.series.slice(1).map((s: { label: string }) => s.label),
      points: ys.map((col) => col.filter((v) => v != null).length),
      latest: ys.map((col) => [...col].reverse().find((v) => v != null) ?? null),
      inked,
    };
  }, selector);
}
