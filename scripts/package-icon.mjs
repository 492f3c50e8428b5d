// Renders media/icon.svg to media/icon.png (128x128, the Marketplace icon, which must be a PNG)
// in Debian's chromium: `node scripts/package-icon.mjs`. The PNG is committed; run this after
// editing the SVG.
import { readFileSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { DEFAULT_CHROMIUM } from './tools/paths.mjs';

const svg = readFileSync('media/icon.svg', 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.PHASEBOOK_CHROMIUM || DEFAULT_CHROMIUM,
  args: ['--no-sandbox'],
});
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 } });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  writeFileSync('media/icon.png', await page.locator('svg').screenshot({ omitBackground: true }));
} finally {
  await browser.close();
}
console.log('media/icon.png written');
