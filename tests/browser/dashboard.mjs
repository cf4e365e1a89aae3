// The dashboard in a real headless Chromium, against a running `miragepot serve` (started by
// crates/miragepot/tests/e2e/web.rs, which also makes the SSH sessions and passes:
// BASE_URL, ADMIN_PASSWORD, XSS_PAYLOADS). Steps: a wrong password is refused; log in; the
// overview draws its chart; the sessions list shows sessions, filters by command text and
// pages; a session page shows its timeline and replays its recording; a live session streams
// into the timeline and the player; tags are added, filtered on and removed; exports download;
// the analytics page draws; every attacker payload shows as text and none runs (no dialog, no
// CSP violation, no page error on any page). Screenshots go to MIRAGEPOT_SCREENSHOT_DIR.

import {
  assert,
  assertEqual,
  assertNoPageErrors,
  collectPageErrors,
  launch,
  screenshot,
} from './lib.mjs';

const BASE = process.env.BASE_URL;
const PASSWORD = process.env.ADMIN_PASSWORD;
const PAYLOADS = JSON.parse(process.env.XSS_PAYLOADS || '[]');
assert(BASE && PASSWORD, 'BASE_URL and ADMIN_PASSWORD are set');

let passed = 0;
async function step(name, fn) {
  const t = Date.now();
  await fn();
  passed += 1;
  console.log(`ok ${passed} - ${name} (${Date.now() - t} ms)`);
}

async function login(page, password) {
  await page.goto(`${BASE}/login`);
  await page.fill('#username', 'admin');
  await page.fill('#password', password);
  await Promise.all([page.waitForLoadState('load'), page.click('#login-submit')]);
}

async function main() {
  const browser = await launch();
  try {
    // A wrong password: refused, with a message (its 401 is expected, so no error collector).
    await step('wrong password refused', async () => {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await login(page, 'not-the-password');
      assert(page.url().includes('/login'), `still on the login page (${page.url()})`);
      const msg = await page.textContent('#login-error');
      assert(/wrong username or password/i.test(msg || ''), `error shown: ${msg}`);
      await ctx.close();
    });

    const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await ctx.newPage();
    const errors = await collectPageErrors(page);
    await page.addInitScript(() => {
      window.__ran = [];
      for (const f of ['alert', 'confirm', 'prompt']) {
        window[f] = (...a) => { window.__ran.push([f, ...a]); };
      }
    });
    const noneRan = async (where) => {
      const ran = await page.evaluate(() => window.__ran);
      assertEqual(JSON.stringify(ran), '[]', `no injected script ran on ${where}`);
      assertNoPageErrors(errors, where);
    };

    await step('login and overview', async () => {
      await login(page, PASSWORD);
      assertEqual(new URL(page.url()).pathname, '/', 'landed on the overview');
      await page.waitForSelector('#histogram[data-drawn]', { timeout: 10000 });
      const sessions = await page.textContent('#counters tbody tr:first-child td:last-child');
      assert(Number(sessions) >= 2, `7 d sessions counter ${sessions}`);
      await screenshot(page, 'overview');
      await noneRan('overview');
    });

    let sessionUrl;
    await step('sessions list, filter, page', async () => {
      await page.goto(`${BASE}/sessions`);
      const total = Number(await page.textContent('#total'));
      assert(total >= 2, `sessions listed: ${total}`);
      await page.fill('#filter-cmd', 'os-release');
      await Promise.all([page.waitForLoadState('load'), page.click('#filter-submit')]);
      assertEqual(Number(await page.textContent('#total')), 1, 'one session ran cat /etc/os-release');
      sessionUrl = await page.getAttribute('#rows a.session-link', 'href');
      assert(sessionUrl && sessionUrl.startsWith('/sessions/'), 'a session link');
      await page.goto(`${BASE}/sessions?per=1`);
      assert(await page.isVisible('#next'), 'a next-page link with one row per page');
      await page.goto(`${BASE}/sessions?ip=not-an-ip`);
      assert(/ip:/.test(await page.textContent('#filter-error')), 'a bad filter says why');
      await page.goto(`${BASE}/sessions`);
      await screenshot(page, 'sessions');
      await noneRan('sessions');
    });

    await step('session page: timeline and replay', async () => {
      await page.goto(`${BASE}${sessionUrl}`);
      const timeline = await page.textContent('#timeline');
      assert(timeline.includes('$ cat /etc/os-release'), 'the command is in the timeline');
      assert(await page.isVisible('#player'), 'a player');
      await page.waitForSelector('#player .ap-player', { timeout: 10000 });
      // Play the recording and wait for the command's output on the terminal.
      await page.click('#player .ap-player');
      await page.waitForFunction(
        () => (document.querySelector('#player')?.textContent || '').includes('bookworm'),
        null,
        { timeout: 20000 },
      );
      await page.click('details summary');
      await screenshot(page, 'session');
      await noneRan('session page');
    });

    await step('tags: add, filter, remove', async () => {
      await page.fill('#tag-input', 'campaign-x');
      await page.click('#tag-add');
      await page.waitForFunction(() => document.querySelector('#tags')?.textContent.includes('campaign-x'));
      await page.fill('#tag-input', PAYLOADS[0] || '<b>x</b>');
      await page.click('#tag-add');
      await page.waitForFunction(
        (p) => document.querySelector('#tags')?.textContent.includes(p),
        PAYLOADS[0] || '<b>x</b>',
      );
      await page.goto(`${BASE}/sessions?tag=campaign-x`);
      assertEqual(Number(await page.textContent('#total')), 1, 'the tag filter finds the session');
      await page.goto(`${BASE}${sessionUrl}`);
      await page.click('#tags form.tag:has-text("campaign-x") button');
      await page.waitForFunction(() => !document.querySelector('#tags')?.textContent.includes('campaign-x'));
      await noneRan('tags');
    });

    await step('exports', async () => {
      const get = async (p) => {
        const r = await page.request.get(`${BASE}${p}`);
        assertEqual(r.status(), 200, `GET ${p}`);
        return { text: await r.text(), type: r.headers()['content-type'] || '' };
      };
      const id = sessionUrl.split('/').pop();
      const txt = await get(`/sessions/${id}/export/txt`);
      assert(txt.text.includes('cat /etc/os-release'), 'transcript has the command');
      const json = await get(`/sessions/${id}/export/json`);
      assertEqual(JSON.parse(json.text.split('\n')[0]).format, 'miragepot-session', 'our JSON');
      const cowrie = await get(`/sessions/${id}/export/cowrie`);
      const ids = cowrie.text.trim().split('\n').map((l) => JSON.parse(l).eventid);
      assert(ids.includes('cowrie.session.connect') && ids.includes('cowrie.command.input'), `cowrie ids ${ids}`);
      const cast = await get(`/sessions/${id}/export/cast`);
      assertEqual(JSON.parse(cast.text.split('\n')[0]).version, 2, 'asciicast v2');
      const csv = await get(`/export/ioc.csv?range=all`);
      assert(csv.text.startsWith('type,value,'), 'IOC CSV header');
      const stix = JSON.parse((await get(`/export/stix?range=all`)).text);
      assertEqual(stix.type, 'bundle', 'STIX bundle');
      const list = await get(`/export/cowrie?cmd=os-release`);
      assert(list.text.includes('cowrie.command.input'), 'filtered list export');
    });

    await step('live session streams into the timeline and the player', async () => {
      await page.goto(`${BASE}/sessions`);
      await page.waitForSelector('#live-rows tr.is-live a.session-link', { timeout: 15000 });
      const live = await page.getAttribute('#live-rows tr.is-live a.session-link', 'href');
      await page.goto(`${BASE}${live}`);
      assert(await page.isVisible('#live-badge'), 'a LIVE badge');
      await page.waitForFunction(
        () => Number(document.querySelector('#timeline')?.dataset.appended || 0) >= 2,
        null,
        { timeout: 20000 },
      );
      const appended = await page.textContent('#timeline');
      assert(/live-marker-\d+/.test(appended), 'new commands appear in the timeline');
      await page.waitForFunction(
        () => /live-marker-\d+/.test(document.querySelector('#player')?.textContent || ''),
        null,
        { timeout: 20000 },
      );
      await screenshot(page, 'live-session');
      await noneRan('live session');
    });

    await step('attacker page and analytics', async () => {
      await page.goto(`${BASE}/analytics?range=all`);
      await page.waitForSelector('#funnel-chart[data-drawn]', { timeout: 10000 });
      const users = await page.textContent('#top-usernames');
      assert(users.includes('root'), 'top usernames has root');
      await screenshot(page, 'analytics');
      await noneRan('analytics');
      const attacker = await page.request.get(`${BASE}/attackers/127.0.0.1`);
      assertEqual(attacker.status(), 200, 'attacker page');
    });

    await step('every payload is shown as text and none ran', async () => {
      const pages = ['/', '/sessions', '/sessions?range=all&per=200', '/analytics?range=all'];
      const found = new Set();
      for (const p of pages) {
        await page.goto(`${BASE}${p}`);
        const text = await page.evaluate(() => document.body.innerText);
        for (const x of PAYLOADS) if (text.includes(x)) found.add(x);
        await noneRan(p);
      }
      // Session pages of every session (payloads in commands, outputs, files, URLs).
      const r = await page.request.get(`${BASE}/api/sessions?range=all&per=200`);
      const data = await r.json();
      for (const s of [...data.live, ...data.rows]) {
        await page.goto(`${BASE}/sessions/${s.id}`);
        const text = await page.evaluate(() => document.body.innerText);
        for (const x of PAYLOADS) if (text.includes(x)) found.add(x);
        await noneRan(`session ${s.id}`);
        const injected = await page.evaluate(() => document.querySelectorAll('main script, main img[src="x"], main svg[onload]').length);
        assertEqual(injected, 0, 'no injected element in the DOM');
      }
      for (const x of PAYLOADS) assert(found.has(x), `payload shown as text somewhere: ${x}`);
    });

    await step('logout ends the login', async () => {
      await page.click('header form.logout button');
      await page.waitForURL(/\/login/);
      const r = await page.request.get(`${BASE}/api/me`);
      assertEqual(r.status(), 401, 'API refused after logout');
    });
    await ctx.close();
  } finally {
    await browser.close();
  }
  console.log(`dashboard: ${passed} passed`);
}

main().catch((e) => {
  console.error(`dashboard: FAILED after ${passed} steps: ${e.stack || e}`);
  process.exit(1);
});
