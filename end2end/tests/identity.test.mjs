// People run their Mesa from the browser alone: the first administrator follows the setup link
// the console printed, creates a coordinator for a local Mesa; the coordinator signs in, schedules
// a session, creates a guest link; a guest opens it (the token leaves the address bar) and
// co-edits; the coordinator revokes it and the guest's board turns read-only within 2 s; the
// projector's QR code lets a third person join; a signed-out visitor sees no contact data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ARTIFACTS, axeViolations, completeSetup, hydrated, launchChromium, newContext, startSala, visit,
} from '../lib/harness.mjs';

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
  assert.deepEqual(errors, [], 'no page errors');
});

const context = (viewport) => newContext(browser, errors, viewport);
const go = (page, url) => visit(page, sala.base, url);
const setPassword = (page, link) => completeSetup(page, link, PASSWORD);

test('an administrator, a coordinator and a guest run a session from the browser alone', async () => {
  // The console printed the first administrator's link.
  for (let i = 0; i < 50 && !sala.setupLink; i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(sala.setupLink, 'the first start printed a setup link');
  const admin = await context();
  await setPassword(admin.page, sala.setupLink);
  await admin.page.locator('[data-admin]').waitFor();

  // People and roles: a coordinator for Bosa.
  await go(admin.page, '/admin/personas');
  const form = admin.page.locator('[data-form="nueva-persona"]');
  await form.getByLabel('Correo electrónico').fill('carla.rojas@subredsuroccidente.gov.co');
  await form.getByLabel('Nombre').fill('Carla Rojas');
  await form.getByLabel('Institución').fill('Subred Sur Occidente');
  await form.getByRole('button', { name: 'Agregar persona' }).click();
  const link = await admin.page.locator('[data-setup-link]').getAttribute('data-setup-link');
  const row = admin.page.locator('tr[data-person="carla.rojas@subredsuroccidente.gov.co"]');
  await row.locator('select[name="mesa"]').selectOption('local-07');
  await row.locator('select[name="role"]').selectOption('coordinador');
  await row.getByRole('button', { name: 'Asignar' }).click();
  await admin.page.locator('tr[data-person="carla.rojas@subredsuroccidente.gov.co"] [data-role-on="local-07"]').waitFor();
  await admin.page.screenshot({ path: ARTIFACTS + 'people-1920.png', fullPage: true });
  assert.deepEqual(await axeViolations(admin.page, ['label', 'button-name', 'scrollable-region-focusable', 'color-contrast']), []);

  // The coordinator sets her password, signs out, and signs in again.
  const carla = await context();
  await setPassword(carla.page, link);
  await carla.page.getByRole('button', { name: 'Cerrar sesión' }).click();
  await carla.page.locator('[data-notice]', { hasText: 'Cerró su sesión' }).waitFor();
  await carla.page.fill('#email', 'Carla.Rojas@SubredSurOccidente.gov.co');
  await carla.page.fill('#password', 'no es esta');
  await carla.page.getByRole('button', { name: 'Entrar' }).click();
  await carla.page.locator('[data-sign-in-error]', { hasText: 'Correo o contraseña incorrectos' }).waitFor();
  await carla.page.screenshot({ path: ARTIFACTS + 'sign-in-1920.png', fullPage: true });
  await carla.page.fill('#password', PASSWORD);
  await carla.page.getByRole('button', { name: 'Entrar' }).click();
  await carla.page.waitForURL(`${sala.base}/`);
  await carla.page.locator('.topnav a[href="/cuenta"]', { hasText: 'Carla Rojas' }).waitFor();

  // She schedules a session and adds a member with a phone number.
  await go(carla.page, '/mesas/local-07');
  await carla.page.fill('#at', '2027-03-10T09:00');
  await carla.page.fill('#place', 'Casa de la Cultura de Bosa');
  await carla.page.getByRole('button', { name: 'Programar sesión' }).click();
  await carla.page.locator('#tabla-proximas tr[data-session]').first().waitFor();
  const session = await carla.page.locator('#tabla-proximas tr[data-session]').first().getAttribute('data-session');
  const member = carla.page.locator('#form-integrante');
  await member.getByLabel('Nombre').fill('Marta Gil');
  await member.getByLabel('Institución').fill('Subred Sur Occidente');
  await member.getByLabel('Rol en la Mesa').fill('Líder APS');
  await member.getByLabel('Sector').fill('Salud');
  await member.getByLabel('Contacto').fill('300 555 0199');
  await member.getByRole('button', { name: 'Agregar integrante' }).click();
  await carla.page.locator('#tabla-integrantes', { hasText: '300 555 0199' }).waitFor();

  // The session page: start the meeting and make a guest link.
  await go(carla.page, `/sesiones/${session}`);
  await carla.page.getByRole('button', { name: 'Iniciar reunión' }).click();
  await carla.page.locator('#estado-sesion [data-status="en_curso"]').waitFor();
  await carla.page.locator('[data-guests] summary').click();
  const guests = carla.page.locator('[data-form="nueva-invitacion"]');
  await guests.getByLabel('Nombre (opcional)').fill('Delegada JAC Bosa');
  await guests.getByRole('button', { name: 'Crear enlace' }).click();
  const guestLink = await carla.page.locator('[data-guest-link]').getAttribute('data-guest-link');
  assert.match(guestLink, /\/sesiones\/\d+\?token=/);

  // The guest opens it on a phone: the token is gone from the address, and she co-edits.
  const guest = await context({ width: 360, height: 800 });
  await guest.page.goto(guestLink);
  await hydrated(guest.page);
  assert.equal(guest.page.url(), `${sala.base}/sesiones/${session}`, 'no token in the address bar');
  const history = await guest.page.evaluate(() => window.location.href + document.referrer);
  assert.ok(!history.includes('token='), history);
  await guest.page.getByRole('heading', { name: 'Unirse al tablero' }).waitFor();
  assert.equal(await guest.page.inputValue('#join-name'), 'Delegada JAC Bosa');
  await guest.page.fill('#join-institution', 'Junta de Acción Comunal');
  await guest.page.getByRole('button', { name: 'Entrar al tablero' }).click();
  await guest.page.waitForSelector('[data-board][data-status="conectado"][data-can-edit="true"]', { timeout: 20_000 });
  await guest.page.click('[data-add="barriers"]');
  const barrier = guest.page.locator('li[data-kind="barriers"]').last();
  await barrier.locator('[data-field="description"]').fill('Sin transporte desde Bosa rural');
  await guest.page.screenshot({ path: ARTIFACTS + 'guest-board-360.png', fullPage: true });

  // The coordinator sees it live, then revokes the link: the guest's board is read-only at once.
  await carla.page.waitForFunction(
    () => [...document.querySelectorAll('li[data-kind="barriers"] [data-field="description"]')]
      .some((el) => el.value === 'Sin transporte desde Bosa rural'),
    null, { timeout: 15_000 });
  await go(carla.page, `/sesiones/${session}`);
  await carla.page.locator('[data-guests] summary').click();
  const live = carla.page.locator('[data-invitation-state="vigente"]', { hasText: 'Delegada JAC Bosa' });
  await live.getByText(/1 uso/).waitFor();
  await carla.page.screenshot({ path: ARTIFACTS + 'guest-links-1920.png', fullPage: true });
  const revokedAt = Date.now();
  await live.getByRole('button', { name: 'Revocar' }).click();
  await guest.page.waitForSelector('[data-board][data-can-edit="false"]', { timeout: 2_000 });
  assert.ok(Date.now() - revokedAt < 2_000, 'read-only within 2 s');
  await guest.page.getByText(/invitación revocada/).first().waitFor();
  await guest.page.screenshot({ path: ARTIFACTS + 'guest-revoked-360.png', fullPage: true });

  // The projector shows a code; its link lets a third person join from a phone.
  const projector = await context();
  await projector.ctx.addCookies(await carla.ctx.cookies());
  await go(projector.page, `/sesiones/${session}/proyector`);
  const qr = projector.page.locator('[data-join-qr]');
  await qr.locator('svg').waitFor();
  await qr.getByText('Únase desde su celular').waitFor();
  await projector.page.screenshot({ path: ARTIFACTS + 'projector-qr-1920.png' });
  const joinLink = await qr.getAttribute('data-join-qr');
  const phone = await context({ width: 360, height: 800 });
  await phone.page.goto(joinLink);
  await hydrated(phone.page);
  assert.equal(phone.page.url(), `${sala.base}/sesiones/${session}`);
  await phone.page.locator('[data-board][data-role="participante"]').waitFor();
  // The projector shows names and institutions, never contact data.
  assert.ok(!(await projector.page.content()).includes('300 555 0199'));

  // A signed-out visitor sees the Mesa, not its members' phones, nor its forms.
  const visitor = await context({ width: 360, height: 800 });
  await go(visitor.page, '/mesas/local-07');
  await visitor.page.locator('#tabla-integrantes', { hasText: 'Marta Gil' }).waitFor();
  assert.ok(!(await visitor.page.content()).includes('300 555 0199'), 'no phone for visitors');
  assert.equal(await visitor.page.getByRole('button', { name: 'Programar sesión' }).count(), 0);
  await visitor.page.locator('[data-sign-in-hint]').waitFor();
  await visitor.page.screenshot({ path: ARTIFACTS + 'mesa-signed-out-360.png', fullPage: true });
  const width = await visitor.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the Mesa page is ${width}px wide at 360px`);
  // And the privacy notice is one click away.
  await visitor.page.getByRole('link', { name: 'Aviso de privacidad' }).first().click();
  await visitor.page.locator('[data-privacy]').waitFor();

  // The audit log lists what happened.
  await go(admin.page, '/admin/auditoria');
  for (const act of ['persona creada', 'rol asignado', 'inicio de sesión', 'sesión programada', 'sesión iniciada', 'invitación creada', 'invitación revocada']) {
    await admin.page.locator(`tr[data-audit="${act}"]`).first().waitFor();
  }
  await admin.page.screenshot({ path: ARTIFACTS + 'audit-1920.png', fullPage: true });
  for (const c of [admin, carla, guest, projector, phone, visitor]) await c.ctx.close();
});
