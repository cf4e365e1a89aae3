// Proves the browser test setup works (scripts/browser-setup.sh, then
// `node tests/browser/smoke.mjs`): starts Debian's headless Chromium through playwright-core,
// renders a small page, checks a DOM element, takes a screenshot, and checks that
// collectPageErrors notices a CSP violation, a page error and an alert.
// Exits non-zero with a message on any failure.

import {
  assert,
  assertEqual,
  assertNoPageErrors,
  collectPageErrors,
  launch,
  screenshot,
} from './lib.mjs';

const dataUrl = (html) => `data:text/html;charset=utf-8,${encodeURIComponent(html)}`;

// A clean page: a script fills in an element; nothing may go wrong.
const CLEAN = `<!doctype html>
<html><head><title>miragepot browser smoke</title>
<style>body{font-family:sans-serif;margin:2em;background:#10151c;color:#d8e0ea}
#status{padding:.5em 1em;border-radius:4px;background:#1f6f43;display:inline-block}</style>
</head><body>
<h1>miragepot browser smoke test</h1>
<p id="status">pending</p>
<script>document.getElementById('status').textContent = 'chromium ok: ' + navigator.userAgent.match(/Chrome\\/[\\d.]+/)[0];</script>
</body></html>`;

// A page that does three bad things the collector has to catch.
const BAD = `<!doctype html>
<html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'">
</head><body>
<p style="color:red">inline style, blocked by style-src</p>
<script>alert('xss');</script>
<script>throw new Error('boom');</script>
</body></html>`;

async function main() {
  const browser = await launch();
  try {
    // 1. Render, check the DOM, screenshot.
    const page = await browser.newPage({ viewport: { width: 800, height: 300 } });
    const errors = await collectPageErrors(page);
    await page.goto(dataUrl(CLEAN));
    const text = await page.locator('#status').textContent();
    assert(/^chromium ok: Chrome\/\d+/.test(text ?? ''), `#status text is ${JSON.stringify(text)}`);
    const shot = await screenshot(page, 'smoke');
    assertNoPageErrors(errors, 'clean smoke page');
    console.log(`smoke: ${text}; screenshot ${shot}`);
    await page.close();

    // 2. The error collector sees a CSP violation, an uncaught exception and an alert.
    const bad = await browser.newPage();
    const caught = await collectPageErrors(bad);
    await bad.goto(dataUrl(BAD));
    await bad.waitForTimeout(200); // let the violation report arrive
    await bad.close();
    const kinds = new Set(caught.map((e) => e.kind));
    for (const kind of ['csp', 'pageerror', 'dialog']) {
      assert(kinds.has(kind), `collector missed a '${kind}' entry; got ${JSON.stringify(caught)}`);
    }
    assertEqual(
      caught.find((e) => e.kind === 'dialog').text,
      'alert: xss',
      'recorded dialog',
    );
    console.log(`smoke: collector caught ${caught.length} entries (${[...kinds].sort().join(', ')})`);
  } finally {
    await browser.close();
  }
}

main().then(
  () => console.log('smoke: 1 passed, 0 failed'),
  (e) => {
    console.error(`smoke: FAILED: ${e.message}`);
    console.log('smoke: 0 passed, 1 failed');
    process.exit(1);
  },
);
