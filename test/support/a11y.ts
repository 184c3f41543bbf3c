/** Accessibility checks the browser tests share: axe-core run inside the page, and moving by Tab alone. */
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core in the page (WCAG 2.1 A and AA rules and best practices); serious and critical only. */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate<Violation[]>(
    `axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations)`,
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** The focused element's accessible label as the tests name it: aria-label, its <label>, or its text. */
export async function focusedName(page: Page): Promise<string> {
  return page.evaluate<string>(`(() => {
    const el = document.activeElement;
    if (!el) return '';
    const label = el.labels && el.labels[0] ? el.labels[0].textContent : '';
    return (el.getAttribute('aria-label') || label || el.textContent || '').trim();
  })()`);
}

/**
 * Presses Tab (Shift+Tab with `backwards`) until the focused element's accessible label is `name`, at most
 * `limit` presses.
 */
export async function tabTo(
  page: Page,
  name: string,
  { limit = 40, backwards = false }: { limit?: number; backwards?: boolean } = {},
): Promise<void> {
  for (let presses = 0; presses < limit; presses += 1) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    if ((await focusedName(page)) === name) return;
  }
  throw new Error(`"${name}" was not reached with ${limit} presses of Tab`);
}
