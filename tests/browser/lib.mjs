// Helpers for the dashboard's browser tests: Debian's headless Chromium driven by
// playwright-core (installed by scripts/browser-setup.sh; no browser is downloaded).
//
//   import { launch, collectPageErrors, screenshot, assert, assertNoPageErrors } from './lib.mjs';
//   const browser = await launch();
//   const page = await browser.newPage();
//   const errors = await collectPageErrors(page);   // before page.goto
//   await page.goto(url);
//   await screenshot(page, 'overview');
//   assertNoPageErrors(errors, 'overview page');
//   await browser.close();

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

/** The repository's root directory (this file is tests/browser/lib.mjs). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Starts Debian's Chromium headless (env CHROMIUM overrides the path). --no-sandbox because
 * the tests run as root in CI; --disable-dev-shm-usage because /dev/shm may be small there.
 */
export async function launch(options = {}) {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  try {
    return await chromium.launch({
      executablePath,
      headless: true,
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
      ...options,
    });
  } catch (e) {
    throw new Error(
      `cannot start Chromium at ${executablePath} (run scripts/browser-setup.sh, or set CHROMIUM): ${e.message}`,
    );
  }
}

/**
 * Records what should never happen on our pages into the returned array, as
 * `{ kind, text }` entries, kind being one of:
 *   'console'   a console.error message (includes failed resource loads),
 *   'csp'       a Content Security Policy violation: a `securitypolicyviolation` event seen by an
 *               init script, or a console message that mentions Content Security Policy,
 *   'pageerror' an uncaught exception or unhandled rejection,
 *   'dialog'    an alert/confirm/prompt/beforeunload dialog (dismissed at once; a page of ours
 *               showing one is a bug, or an injected script running).
 * Call it before page.goto so that the init script is in place from the first document on.
 */
export async function collectPageErrors(page) {
  const errors = [];
  await page.exposeBinding('__miragepotCspViolation', (_source, v) => {
    errors.push({
      kind: 'csp',
      text: `CSP violation: ${v.effectiveDirective} blocked ${v.blockedURI || '(inline)'}` +
        (v.sourceFile ? ` at ${v.sourceFile}:${v.lineNumber}:${v.columnNumber}` : '') +
        (v.sample ? ` sample=${JSON.stringify(v.sample)}` : ''),
    });
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      // The binding may be missing in an odd frame; the console message still reports it.
      window.__miragepotCspViolation?.({
        effectiveDirective: e.effectiveDirective,
        blockedURI: e.blockedURI,
        sourceFile: e.sourceFile,
        lineNumber: e.lineNumber,
        columnNumber: e.columnNumber,
        sample: e.sample,
      });
    });
  });
  page.on('console', (msg) => {
    const text = msg.text();
    if (/Content Security Policy/i.test(text)) {
      errors.push({ kind: 'csp', text });
    } else if (msg.type() === 'error') {
      const loc = msg.location();
      errors.push({ kind: 'console', text: loc?.url ? `${text} (${loc.url}:${loc.lineNumber})` : text });
    }
  });
  page.on('pageerror', (err) => {
    errors.push({ kind: 'pageerror', text: err.stack || err.message || String(err) });
  });
  page.on('dialog', async (dialog) => {
    errors.push({ kind: 'dialog', text: `${dialog.type()}: ${dialog.message()}` });
    await dialog.dismiss().catch(() => {});
  });
  return errors;
}

/**
 * Saves a full-page PNG as <dir>/<name>.png and returns its path. The dir is env
 * MIRAGEPOT_SCREENSHOT_DIR (relative to the current directory), else target/screenshots
 * in the repository.
 */
export async function screenshot(page, name) {
  const dir = process.env.MIRAGEPOT_SCREENSHOT_DIR
    ? path.resolve(process.env.MIRAGEPOT_SCREENSHOT_DIR)
    : path.join(REPO_ROOT, 'target', 'screenshots');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${String(name).replace(/[^A-Za-z0-9._-]+/g, '_')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Throws an Error with `message` unless `condition` holds. */
export function assert(condition, message) {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

/** Throws unless the two values are strictly equal (shows both). */
export function assertEqual(actual, expected, message) {
  if (actual !== expected) {
    throw new Error(
      `assertion failed: ${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
    );
  }
}

/** Throws, listing them, when collectPageErrors recorded anything. */
export function assertNoPageErrors(errors, context = 'page') {
  if (errors.length > 0) {
    const lines = errors.map((e) => `  [${e.kind}] ${e.text}`).join('\n');
    throw new Error(`${context}: ${errors.length} browser error(s):\n${lines}`);
  }
}
