/**
 * Debian's Chromium through playwright-core, for the browser tests: one launch per test file, a context per
 * "device" (its own storage, so its own voter token), opening a route and waiting for the app to be
 * interactive, and screenshots into test-results/web/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { ROOT } from '../../infra/resolver-bundle.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOTS = join(ROOT, 'test-results', 'web');
/**
 * How long a test waits for the page to show an answer (expect.poll): generous, since a loaded machine is
 * slow; never a measure of speed.
 */
export const ANSWER = { timeout: 20_000 } as const;

/** The widths every view is checked at: a desktop and a small phone. */
export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 360, height: 740 },
  projector: { width: 1920, height: 1080 },
} as const;

/** A launched Chromium and the devices (contexts) opened in it. */
export interface TestBrowser {
  readonly browser: Browser;
  /** A new device: its own storage, so its own voter token. */
  device(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

/** Launches Debian's Chromium headless, offline-friendly, trusting nothing it does not need to. */
export async function launchBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}. The browser tests drive Debian's Chromium: install it with ` +
        '`apt-get update && apt-get install -y chromium` (as root), or set CHROMIUM_PATH to a Chromium or Chrome binary.',
    );
  }
  mkdirSync(SHOTS, { recursive: true });
  // Playwright gives every launch a fresh temporary profile (user data dir).
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const contexts: BrowserContext[] = [];
  return {
    browser,
    async device(viewport = { width: 1024, height: 800 }) {
      const context = await browser.newContext({ viewport, locale: 'en-US' });
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`[browser] ${error.message}`));
      return page;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close();
    },
  };
}

/** Opens a route and waits until the app marks itself interactive. */
export async function openRoute(page: Page, url: string): Promise<void> {
  // Another route of the app would be a same-document hash navigation: every open is a fresh page load.
  if (page.url() !== 'about:blank') await page.goto('about:blank');
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 15_000 });
}

/** A full-page screenshot into test-results/web/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** The first match's text, or '' when it has none. */
export async function textOf(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).first().textContent()) ?? '';
}

/**
 * Decodes the QR code shown by `selector` from its rendered pixels: a screenshot of the element, turned into
 * RGBA by the browser's own PNG decoder (a canvas), read by jsQR. Returns the decoded text, or null.
 */
export async function decodeQrCode(page: Page, selector: string): Promise<string | null> {
  const png = await page.locator(selector).screenshot();
  const image = await page.evaluate<{ width: number; height: number; data: number[] }>(`(async () => {
    const img = new Image();
    img.src = 'data:image/png;base64,${png.toString('base64')}';
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d');
    context.drawImage(img, 0, 0);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
    return { width: pixels.width, height: pixels.height, data: Array.from(pixels.data) };
  })()`);
  // jsqr is CommonJS: its module object is the function, with the same function as `default`.
  return jsQR.default(Uint8ClampedArray.from(image.data), image.width, image.height)?.data ?? null;
}
