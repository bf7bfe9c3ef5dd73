#!/usr/bin/env node
// Renders public/icon.svg to the PNG icons the web app manifest lists, with headless Chromium.
// Run once after changing the SVG: node scripts/make-icons.mjs (the PNGs are committed).
import { readFileSync } from 'node:fs';
import { chromium } from '@playwright/test';

const svg = readFileSync('public/icon.svg', 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.COFFER_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const page = await browser.newPage();
// A maskable icon keeps its artwork inside the middle 80%, on a full-bleed background.
const variants = [
  { file: 'public/icon-192.png', size: 192, padding: 0, background: 'transparent' },
  { file: 'public/icon-512.png', size: 512, padding: 0, background: 'transparent' },
  { file: 'public/icon-maskable-512.png', size: 512, padding: 0.12, background: '#1f4e79' },
];
for (const { file, size, padding, background } of variants) {
  await page.setViewportSize({ width: size, height: size });
  const inset = Math.round(size * padding);
  await page.setContent(
    `<body style="margin:0;background:${background}"><div style="padding:${inset}px;width:${size}px;height:${size}px;box-sizing:border-box">${svg.replace('<svg ', '<svg width="100%" height="100%" ')}</div></body>`,
  );
  await page.screenshot({ path: file, omitBackground: background === 'transparent' });
  console.log(`wrote ${file}`);
}
await browser.close();
