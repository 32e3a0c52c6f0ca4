// The Mesa's calendar end to end: a coordinator schedules a recurring series from the Mesa
// page (festivos skipped and said), subscribes to the Mesa's calendar from «Mi cuenta», and
// the feed — read by Python's icalendar, an independent parser — holds the next session with
// its place and link; a session's own .ics downloads from its page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ARTIFACTS, completeSetup, hydrated, launchChromium, newContext, startSala, visit } from '../lib/harness.mjs';

let sala;
let browser;
const errors = [];
const PASSWORD = 'una clave larga de prueba';

before(async () => {
  sala = await startSala();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await sala?.stop();
});

/** The VEVENTs of an .ics text as Python's icalendar reads them: uid, summary, start, location, url, status. */
function parseIcs(text) {
  const script = `
import sys, json, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.read())
out = []
for e in cal.walk('VEVENT'):
    out.append({k: str(e.get(k.upper(), '')) for k in ['uid', 'summary', 'location', 'url', 'status']} | {'start': e.decoded('dtstart').isoformat()})
print(json.dumps(out))`;
  return JSON.parse(execFileSync('python3', ['-c', script], { input: text }).toString());
}

test('a coordinator schedules a series and subscribes to the Mesa calendar', async () => {
  for (let i = 0; i < 50 && !sala.setupLink; i++) await new Promise((r) => setTimeout(r, 100));
  const admin = await newContext(browser, errors);
  await completeSetup(admin.page, sala.setupLink, PASSWORD);
  await visit(admin.page, sala.base, '/admin/personas');
  const form = admin.page.locator('[data-form="nueva-persona"]');
  await form.getByLabel('Correo electrónico').fill('carla.rojas@subredsur.gov.co');
  await form.getByLabel('Nombre').fill('Carla Rojas');
  await form.getByRole('button', { name: 'Agregar persona' }).click();
  const link = await admin.page.locator('[data-setup-link]').getAttribute('data-setup-link');
  const row = admin.page.locator('tr[data-person="carla.rojas@subredsur.gov.co"]');
  await row.locator('select[name="mesa"]').selectOption('local-05');
  await row.locator('select[name="role"]').selectOption('coordinador');
  await row.getByRole('button', { name: 'Asignar' }).click();
  await row.locator('[data-role-on="local-05"]').waitFor();

  const carla = await newContext(browser, errors);
  await completeSetup(carla.page, link, PASSWORD);
  await visit(carla.page, sala.base, '/mesas/local-05');
  await carla.page.locator('[data-fold="serie"] summary').click();
  const series = carla.page.locator('[data-form="serie"]');
  // Every Monday of next year's first quarter: Reyes Magos and San José are Monday festivos.
  await series.locator('#series-repeat').selectOption('semanal');
  await series.locator('#series-every').selectOption('1');
  await series.locator('#series-weekday').selectOption('lunes');
  await series.locator('#series-time').fill('09:30');
  const year = new Date().getFullYear() + 1;
  await series.locator('#series-from').fill(`${year}-01-01`);
  await series.locator('#series-until').fill(`${year}-03-31`);
  await series.locator('#series-place').fill('Alcaldía Local de Usme');
  await carla.page.screenshot({ path: ARTIFACTS + 'series-form-1920.png', fullPage: true });
  await series.getByRole('button', { name: 'Programar la serie' }).click();
  const done = carla.page.locator('[data-series-done]');
  await done.getByText(/\d+ sesiones programadas: Cada lunes a las 9:30/).waitFor();
  const told = await done.textContent();
  assert.match(told, /Se omitieron por festivo: .*\(Reyes Magos\).*\(San José\)/);
  const mondays = [...Array(92).keys()]
    .map((d) => new Date(Date.UTC(year, 0, 1 + d)))
    .filter((d) => d.getUTCMonth() < 3 && d.getUTCDay() === 1).length;
  assert.match(told, new RegExp(`^${mondays - 2} sesiones programadas`));
  await carla.page.locator('#tabla-proximas tr[data-session]').nth(2).waitFor();
  const first = await carla.page.locator('#tabla-proximas tr[data-session]').first().getAttribute('data-session');

  // «Mi cuenta»: a private calendar of the Mesa's sessions, shown once.
  await visit(carla.page, sala.base, '/cuenta');
  const calendars = carla.page.locator('#calendarios');
  await calendars.locator('#calendar-mesa').selectOption('local-05');
  await calendars.getByRole('button', { name: 'Crear dirección de calendario' }).click();
  const url = (await calendars.locator('[data-new-calendar]').textContent()).trim();
  assert.match(url, /\/calendario\/[^/]+\.ics$/);
  await carla.page.screenshot({ path: ARTIFACTS + 'calendars-1920.png', fullPage: true });

  const feed = await fetch(url);
  assert.equal(feed.status, 200);
  assert.match(feed.headers.get('content-type'), /^text\/calendar/);
  const events = parseIcs(await feed.text());
  const next = events.find((e) => e.uid === `sesion-${first}@sala-situacional`);
  assert.ok(next, `the next session is in the feed: ${JSON.stringify(events)}`);
  assert.match(next.start, /T14:30:00\+00:00$/, '9:30 in Bogotá');
  assert.match(next.location, /Alcaldía Local de Usme/);
  assert.equal(next.url, `${sala.base}/sesiones/${first}`);

  // One session's .ics from its page.
  await visit(carla.page, sala.base, `/sesiones/${first}`);
  const [download] = await Promise.all([carla.page.waitForEvent('download'), carla.page.click('[data-download="ics"]')]);
  const file = ARTIFACTS + 'sesion.ics';
  await download.saveAs(file);
  const single = parseIcs(readFileSync(file, 'utf8'));
  assert.equal(single.length, 1);
  assert.equal(single[0].uid, `sesion-${first}@sala-situacional`);

  // Revoked, the feed is gone.
  await visit(carla.page, sala.base, '/cuenta');
  await carla.page.locator('#calendarios [data-calendar]').first().getByRole('button', { name: 'Revocar' }).click();
  await carla.page.locator('#calendarios [data-calendar]', { hasText: 'revocado' }).waitFor();
  assert.equal((await fetch(url)).status, 404);

  // The series form on a phone.
  const phone = await newContext(browser, errors, { width: 360, height: 800 });
  await phone.ctx.addCookies(await carla.ctx.cookies());
  await visit(phone.page, sala.base, '/mesas/local-05');
  await phone.page.locator('[data-fold="serie"] summary').click();
  await phone.page.screenshot({ path: ARTIFACTS + 'series-form-360.png', fullPage: true });
  const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the Mesa page is ${width}px wide at 360px`);

  for (const c of [admin, carla, phone]) await c.ctx.close();
  assert.deepEqual(errors, []);
});
