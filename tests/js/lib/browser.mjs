// Debian's Chromium, headless, driven by playwright-core (never a browser download of its own).
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Opens `url` and waits for the page to publish `window.__result` (or `window.__error`). */
export async function pageResult(browser, url) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(url);
    await page.waitForFunction(() => 'result' in window.__probe || 'error' in window.__probe, null, {
      timeout: 20_000,
    }).catch(() => {
      throw new Error(`page published no result; page errors: ${errors.join('; ')}`);
    });
    const probe = await page.evaluate(() => window.__probe);
    if (probe.error) throw new Error(`page failed: ${probe.error}`);
    return probe.result;
  } finally {
    await page.close();
  }
}
