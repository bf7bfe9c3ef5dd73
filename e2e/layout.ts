/** What the phone-width tests check of a page's layout (issues 21 and 31). */
import type { Page } from '@playwright/test';

/** Elements whose box passes the viewport's edges, and the page's own sideways scroll. */
export function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide: string[] = [];
    if (document.documentElement.scrollWidth > width) wide.push(`page ${document.documentElement.scrollWidth}px`);
    for (const element of Array.from(document.body.querySelectorAll('*'))) {
      const box = element.getBoundingClientRect();
      if (box.width > 0 && (box.right > width + 0.5 || box.left < -0.5)) {
        wide.push(`${element.tagName.toLowerCase()}.${element.className} ${Math.round(box.right)}px`);
      }
    }
    return wide;
  });
}
