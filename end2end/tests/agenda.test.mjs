// The Mesa's standing agenda: the coordination writes it on the Mesa page (on a phone), and the
// next session's board, opened at 1920, starts with its points after the follow-up.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, hydrated, launchChromium, newContext, startSala } from '../lib/harness.mjs';

let sala;
let browser;
const errors = [];

before(async () => {
  sala = await startSala();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await sala?.stop();
  assert.deepEqual(errors, [], 'no page errors');
});

test('a session starts with the Mesa’s orden del día tipo', async () => {
  const phone = await newContext(browser, errors, { width: 360, height: 800 });
  await sala.asCoordination(phone.page, 'local-08');
  await phone.page.goto(`${sala.base}/mesas/local-08`);
  await hydrated(phone.page);
  await phone.page.locator('[data-fold="orden-tipo"] summary').click();
  const form = phone.page.locator('[data-form="orden-tipo"]');
  await form.getByLabel('Puntos').fill('Informe de la EPS (15 min)\nCasos de la semana\nVarios (5 min)');
  await form.getByRole('button', { name: 'Guardar el orden del día tipo' }).click();
  await phone.page.locator('[data-agenda-template-done]', { hasText: 'Guardado: 3 puntos' }).waitFor();
  await phone.page.locator('[data-fold="orden-tipo"]').scrollIntoViewIfNeeded();
  await phone.page.screenshot({ path: ARTIFACTS + 'agenda-template-360.png' });
  const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the Mesa page is ${width}px wide at 360px`);

  const year = new Date().getFullYear() + 1;
  await phone.page.fill('#at', `${year}-04-14T09:00`);
  await phone.page.getByRole('button', { name: 'Programar sesión' }).click();
  await phone.page.locator('#tabla-proximas tr[data-session]').first().waitFor();
  const session = await phone.page.locator('#tabla-proximas tr[data-session]').first().getAttribute('data-session');

  const desk = await newContext(browser, errors);
  await desk.ctx.addCookies(await phone.ctx.cookies());
  await desk.page.goto(`${sala.base}/sesiones/${session}`);
  await hydrated(desk.page);
  const titles = desk.page.locator('li[data-kind="agenda"] [data-field="title"]');
  await titles.nth(3).waitFor();
  const read = await titles.evaluateAll((fields) => fields.map((f) => f.value ?? f.textContent));
  assert.deepEqual(read, ['Seguimiento de compromisos', 'Informe de la EPS', 'Casos de la semana', 'Varios']);
  await desk.page.screenshot({ path: ARTIFACTS + 'agenda-template-board-1920.png' });
  for (const c of [phone, desk]) await c.ctx.close();
});
