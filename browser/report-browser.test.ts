// The HTML report in a real browser: Debian's chromium driven by playwright-core.
// Proves what a user opening `zoocheck report TRACE --html out.html` sees: one
// lane per node, arrows, the violating step highlighted with its invariant, a
// state panel that follows clicks, and no network access. Leaves a screenshot
// in test-artifacts/report.png for a human to look at.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { readTrace } from '../src/trace/format.ts';
import { ROOT, zoocheck } from '../test/helpers/cli.ts';

const CHROMIUM = '/usr/bin/chromium';
const TRACE = join(ROOT, 'traces', 'paxos', 'volatile-accepted.json');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const SCREENSHOT = join(ARTIFACTS, 'report.png');

const trace = readTrace(TRACE);
const tmp = mkdtempSync(join(tmpdir(), 'zoocheck-report-browser-'));
const out = join(tmp, 'report.html');

let browser: Browser | undefined;
let opened: Promise<Page> | undefined;
const pageErrors: string[] = [];
const foreignRequests: string[] = [];

// Opened by the first test that needs it, not in a hook: with the browser
// missing, every test then fails with the fix in its message instead of being
// reported as skipped.
function open(): Promise<Page> {
  opened ??= (async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Debian's chromium is not installed at ${CHROMIUM}; install it with "apt-get install -y chromium" (the report's browser test needs it)`);
    }
    const r = zoocheck(['report', TRACE, '--html', out]);
    if (r.code !== 0) throw new Error(`zoocheck report exited ${r.code}: ${r.stderr}`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    // The page must be self-contained: anything but the file itself is refused and recorded.
    const self = pathToFileURL(out).href;
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url === self) return route.continue();
      foreignRequests.push(url);
      return route.abort();
    });
    await page.goto(self, { waitUntil: 'load' });
    return page;
  })();
  return opened;
}

describe('zoocheck report in headless chromium', () => {
  afterAll(async () => {
    await browser?.close();
  });

  it('draws exactly one lane per node, in trace order, with visible headers', async () => {
    const page = await open();
    const lanes = page.locator('[data-lane]');
    expect(await lanes.evaluateAll((els) => els.map((e) => e.getAttribute('data-lane')))).toEqual(trace.nodes);
    for (const n of trace.nodes) await expect.poll(() => page.locator(`[data-lane="${n}"]`).isVisible()).toBe(true);
    // Headers stay in view while the trace scrolls: a window a third of the
    // page's height (whatever length the committed trace has) scrolls by two thirds.
    const full = await page.evaluate<number>('document.body.scrollHeight');
    await page.setViewportSize({ width: 1500, height: Math.max(60, Math.floor(full / 3)) });
    await page.evaluate('window.scrollTo(0, document.body.scrollHeight)');
    expect(await page.evaluate<number>('window.scrollY')).toBeGreaterThan(full / 2);
    const box = await page.locator(`[data-lane="${trace.nodes[0]}"]`).boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y).toBeLessThan(10);
    await page.setViewportSize({ width: 1500, height: 900 });
    await page.evaluate('window.scrollTo(0, 0)');
  });

  it('draws message arrows with real extent', async () => {
    const page = await open();
    const delivered = trace.events.filter((e) => e.action === 'deliver' && !e.linkDown).length;
    expect(await page.locator('[data-arrow].delivered').count()).toBe(delivered);
    const box = await page.locator('[data-arrow].delivered .line').first().boundingBox();
    expect(box).not.toBeNull();
    expect(box!.width + box!.height).toBeGreaterThan(20);
  });

  it('highlights the violating step and shows its invariant', async () => {
    const page = await open();
    const v = trace.violation!;
    const row = page.locator('[data-violation]');
    expect(await row.count()).toBe(1);
    expect(await row.getAttribute('data-step')).toBe(String(v.step));
    expect(await row.isVisible()).toBe(true);
    const bg = await page.evaluate<string>("getComputedStyle(document.querySelector('[data-violation]')).backgroundColor");
    const [r, g, b] = bg.match(/\d+/g)!.map(Number);
    expect(r).toBeGreaterThan(g + 20);
    expect(r).toBeGreaterThan(b + 20);
    const banner = page.locator('[data-banner]');
    expect(await banner.isVisible()).toBe(true);
    expect(await banner.innerText()).toContain(v.invariant);
    expect(await banner.innerText()).toContain(v.message);
    expect(await row.innerText()).toContain(v.invariant);
    expect(await page.locator('.m-viol').count()).toBe(1);
  });

  it('shows the acting node state when an event is clicked', async () => {
    const page = await open();
    // The first message an acceptor (A0) receives: its state is in the event.
    const i = trace.events.findIndex((e) => e.action === 'deliver' && e.node === 'A0');
    const e = trace.events[i];
    const step = String(e.step);
    await page.locator(`.row[data-step="${step}"]`).click();
    const panel = page.locator('#panel');
    await expect.poll(() => panel.getAttribute('data-selected')).toBe(String(i));
    expect(await panel.locator('[data-state-of]').getAttribute('data-state-of')).toBe('A0');
    const text = await panel.innerText();
    for (const [k, val] of Object.entries(e.state as Record<string, unknown>)) {
      expect(text).toContain(k);
      expect(text).toContain(JSON.stringify(val));
    }
    expect(await page.locator('.row.sel').getAttribute('data-step')).toBe(step);
    // A start-row marker selects that node's own start event.
    const l0 = trace.events.findIndex((x) => x.action === 'start' && x.node === 'L0');
    await page.locator(`.pick[data-idx="${l0}"]`).click();
    await expect.poll(() => panel.getAttribute('data-selected')).toBe(String(l0));
    expect(await panel.locator('[data-state-of]').getAttribute('data-state-of')).toBe('L0');
    // Back to the violation through the banner link, for the screenshot.
    await page.locator('[data-goto]').click();
    await expect.poll(() => panel.getAttribute('data-selected')).toBe(String(trace.events.findIndex((x) => x.step === trace.violation!.step)));
    expect(await panel.innerText()).toContain(`${trace.violation!.invariant} (safety) violated here`);
  });

  it('loads nothing from outside and raises no errors; saves a screenshot', async () => {
    const page = await open();
    expect(foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
    expect(readFileSync(SCREENSHOT).subarray(1, 4).toString()).toBe('PNG');
  });
});
