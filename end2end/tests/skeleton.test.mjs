// Walking skeleton, end to end in headless Chromium: home → local Mesa → schedule a session →
// reload (persisted) → start it, with hydration proven by in-place updates (no page reload).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, axeViolations, hydrated, launchChromium, smallTargets, startSala } from '../lib/harness.mjs';

let sala;
let browser;

before(async () => {
  sala = await startSala();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await sala?.stop();
});

test('schedule a session at a local Mesa, reload, start it', async () => {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'es-CO' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  // This browser acts as Bosa's coordination (its invitation in a cookie).
  await sala.asCoordination(page, 'local-07');
  await page.goto(sala.base + '/');
  await hydrated(page);
  await page.getByRole('heading', { name: 'Mesas de gestión territorial' }).waitFor();
  await page.screenshot({ path: ARTIFACTS + 'home-1920.png', fullPage: true });

  await page.getByRole('link', { name: 'Mesa Local de APS Bosa' }).click();
  await page.getByRole('heading', { level: 1, name: 'Mesa Local de APS Bosa' }).waitFor();
  await hydrated(page);
  // Client-side navigation and form submissions keep this marker; a full reload would drop it.
  await page.evaluate(() => { window.__salaMarker = 'same-document'; });

  // A server-side validation error appears next to its field and keeps everything typed.
  await page.fill('#at', '2030-04-15T09:00');
  await page.evaluate(() => document.querySelector('#place').removeAttribute('maxlength'));
  await page.fill('#place', 'x'.repeat(201));
  await page.selectOption('#mode', 'mixta');
  await page.getByRole('button', { name: 'Programar sesión' }).click();
  await page.locator('#place-error').getByText('máximo 200 caracteres').waitFor();
  assert.equal(await page.inputValue('#at'), '2030-04-15T09:00');
  assert.equal(await page.inputValue('#mode'), 'mixta');
  assert.equal((await page.inputValue('#place')).length, 201);

  // A date more than two years ahead is asked about first; confirmed, it is scheduled.
  await page.fill('#place', 'Salón comunal Bosa Centro');
  await page.getByRole('button', { name: 'Programar sesión' }).click();
  await page.getByText('está a más de dos años').waitFor();
  await page.screenshot({ path: ARTIFACTS + 'confirm-date-1920.png', fullPage: true });
  await page.getByLabel('Confirmo la fecha').check();
  await page.getByRole('button', { name: 'Programar sesión' }).click();
  await page.getByText('Sesión 1 programada').waitFor();
  await page.locator('#tabla-proximas').getByText('Salón comunal Bosa Centro').waitFor();
  // A successful submit leaves an empty form for the next session.
  assert.equal(await page.inputValue('#place'), '');
  assert.equal(await page.inputValue('#at'), '');
  assert.equal(await page.evaluate(() => window.__salaMarker), 'same-document');
  await page.screenshot({ path: ARTIFACTS + 'mesa-1920.png', fullPage: true });

  await page.reload();
  await hydrated(page);
  const row = page.locator('#tabla-proximas tr', { hasText: 'Salón comunal Bosa Centro' });
  await row.waitFor();
  const id = await row.getAttribute('data-session');
  await row.getByRole('link').click();

  await page.getByRole('heading', { level: 1, name: /Sesión 1 · Mesa Local de APS Bosa/ }).waitFor();
  await hydrated(page);
  assert.equal((await page.locator('#estado-sesion').textContent()).trim(), 'Programada');
  // Without the coordination's invitation, the meeting's buttons are not there.
  assert.equal(await page.getByRole('button', { name: 'Iniciar reunión' }).count(), 0);

  await page.goto(sala.cli('invite', '--session', id, '--role', 'coordinador').url);
  await hydrated(page);
  await page.evaluate(() => { window.__salaMarker = 'session-page'; });
  await page.getByRole('button', { name: 'Iniciar reunión' }).click();
  await page.locator('#estado-sesion').getByText('En curso').waitFor();
  // Closing happens on the board, which first lists what is still open.
  await page.locator('[data-close-hint]').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Cerrar reunión', exact: true }).count(), 0);
  assert.equal(await page.evaluate(() => window.__salaMarker), 'session-page', 'updated in place');
  await page.screenshot({ path: ARTIFACTS + 'session-1920.png', fullPage: true });

  await page.reload();
  assert.equal((await page.locator('#estado-sesion').textContent()).trim(), 'En curso');
  assert.deepEqual(errors, []);
  await context.close();
});

test('phone width: no horizontal scrolling, keyboard reachable, no layout shift', async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 800 }, isMobile: true, locale: 'es-CO' });
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__cls = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__cls += entry.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  // The district's coordination: the district dashboard (not public) is part of the tour.
  await sala.asCoordination(page, 'distrito');
  for (const path of ['/', '/mesas/local-07', '/mesas/zona-sur', '/tablero']) {
    await page.goto(sala.base + path);
    await hydrated(page);
    await page.waitForTimeout(300);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `${path} is ${width}px wide at 360px`);
    const cls = await page.evaluate(() => window.__cls);
    assert.ok(cls < 0.01, `${path} shifted layout after load (CLS ${cls})`);
    // Tables that scroll can be reached with the keyboard; controls are big enough for a thumb.
    assert.deepEqual(await axeViolations(page, ['scrollable-region-focusable']), [], path);
    assert.deepEqual(await smallTargets(page, 'main button, main select, .topnav a, .section-menu a, .session-links a'), [], path);
    const name = path === '/' ? 'home' : path.split('/').pop();
    await page.screenshot({ path: `${ARTIFACTS}${name}-360.png`, fullPage: true });
  }
  await page.goto(sala.base + '/');
  await hydrated(page);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Saltar al contenido');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Sala situacional');
  await context.close();
});
