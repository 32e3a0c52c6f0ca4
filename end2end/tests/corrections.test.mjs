// Everything can be corrected, as a secretary would do it in Chromium: a session rescheduled and
// then cancelled (kept in the series, struck through), a member corrected, a duplicate refused,
// a member removed; and a member who joins a board by invitation counts for quorum.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ARTIFACTS, hydrated, launchChromium, startSala } from '../lib/harness.mjs';

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
});

async function open(path, viewport = { width: 1920, height: 1080 }) {
  const context = await browser.newContext({ viewport, locale: 'es-CO', isMobile: viewport.width < 500 });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`${path}: ${e.message}`));
  // The Mesa page's forms are its coordination's: this browser carries its invitation.
  const mesa = path.match(/\/mesas\/([\w-]+)/)?.[1];
  if (mesa) await sala.asCoordination(page, mesa);
  await page.goto(path.startsWith('http') ? path : sala.base + path);
  await hydrated(page);
  return { context, page };
}

test('a session is rescheduled with a reason, then cancelled and kept in the series', async () => {
  const id = sala.cli('session', 'create', '--mesa', 'local-09', '--at', '2027-01-12T09:00:00-05:00',
    '--place', 'Alcaldía Local de Fontibón').id;
  const { context, page } = await open('/mesas/local-09');
  const row = page.locator(`tr[data-session="${id}"]`);
  await row.getByText('Corregir o cancelar').click();
  const edit = row.locator('[data-form="editar-sesion"]');
  await edit.getByLabel('Fecha y hora').fill('2027-01-14T15:00');
  await edit.getByLabel('Lugar').fill('Casa de la Cultura de Fontibón');
  await edit.getByRole('button', { name: 'Guardar cambios' }).click();
  // A new date needs a reason; what was typed stays.
  await edit.getByText('Indique el motivo de la reprogramación.').waitFor();
  assert.equal(await edit.getByLabel('Lugar').inputValue(), 'Casa de la Cultura de Fontibón');
  await edit.getByLabel('Motivo').fill('Paro de transporte');
  await edit.getByRole('button', { name: 'Guardar cambios' }).click();
  const note = page.locator(`tr[data-session="${id}"] [data-session-note]`);
  await note.getByText('Reprogramada (antes mar 12 ene 2027, 09:00): Paro de transporte').waitFor();
  await page.locator(`tr[data-session="${id}"]`).getByText('Casa de la Cultura de Fontibón').waitFor();
  await page.locator(`tr[data-session="${id}"]`).getByText('jue 14 ene 2027, 15:00').waitFor();

  await page.locator(`tr[data-session="${id}"]`).getByText('Corregir o cancelar').click();
  const cancel = page.locator(`tr[data-session="${id}"] [data-form="cancelar-sesion"]`);
  await cancel.getByLabel('Motivo de la cancelación').fill('La Alcaldía no prestó el salón');
  await page.screenshot({ path: ARTIFACTS + 'session-correct-1920.png', fullPage: true });
  await cancel.getByRole('button', { name: 'Cancelar sesión' }).click();
  const cancelled = page.locator(`tr[data-session="${id}"].session--cancelada`);
  await cancelled.getByText('Cancelada: La Alcaldía no prestó el salón').waitFor();
  await cancelled.locator('[data-status="cancelada"]').waitFor();
  assert.equal(await cancelled.getByText('Corregir o cancelar').count(), 0, 'nothing left to correct');
  const struck = await cancelled.locator('.session-name').evaluate((el) => getComputedStyle(el).textDecorationLine);
  assert.equal(struck, 'line-through');
  await page.screenshot({ path: ARTIFACTS + 'session-cancelled-1920.png', fullPage: true });

  // Its number stays taken: the next session is the second.
  const next = sala.cli('session', 'create', '--mesa', 'local-09', '--at', '2027-01-20T09:00:00-05:00');
  assert.equal(next.seq, 2);
  // Its page says so, and its board cannot be written.
  await page.goto(`${sala.base}/sesiones/${id}`);
  await hydrated(page);
  await page.locator('[data-cancelled]').getByText('Sesión cancelada: La Alcaldía no prestó el salón').waitFor();
  await context.close();

  const phone = await open('/mesas/local-09', { width: 360, height: 800 });
  await phone.page.locator(`tr[data-session="${id}"].session--cancelada`).waitFor();
  const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the Mesa page is ${width}px wide at 360px`);
  await phone.page.screenshot({ path: ARTIFACTS + 'session-cancelled-360.png', fullPage: true });
  await phone.context.close();
});

async function addMember(page, { name, role, seat, institution, sector }) {
  const form = page.locator('#form-integrante');
  await form.getByLabel('Nombre').fill(name);
  await form.getByLabel('Rol en la Mesa').fill(role);
  await form.getByLabel('Participa como').selectOption(seat);
  await form.getByLabel('Institución').fill(institution);
  await form.getByLabel('Sector').fill(sector);
  await form.getByRole('button', { name: 'Agregar integrante' }).click();
}

test('members are corrected, duplicates refused and removed members kept out of quorum', async () => {
  const { context, page } = await open('/mesas/local-10');
  await addMember(page, { name: 'Carmen Díaz', role: 'Líder local APS', seat: 'titular',
    institution: 'Subred Sur Occidente', sector: 'Salud' });
  await page.getByText('Carmen Díaz fue agregado(a) a la Mesa.').waitFor();
  await page.locator('#tabla-integrantes').getByText('Carmen Díaz').waitFor();
  // The form is empty again for the next member.
  assert.equal(await page.locator('#member-name').inputValue(), '');

  // The same person again (other case, no accents) is refused, next to the name.
  await addMember(page, { name: 'carmen diaz', role: 'Líder', seat: 'titular',
    institution: 'SUBRED SUR OCCIDENTE', sector: 'Salud' });
  await page.locator('#member-name-error').getByText('ya es integrante de esta Mesa').waitFor();
  assert.equal(await page.locator('#member-name').inputValue(), 'carmen diaz', 'nothing typed is lost');
  await page.screenshot({ path: ARTIFACTS + 'member-duplicate-1920.png', fullPage: true });

  await page.locator('#member-name').fill('Jorge Ruiz');
  await page.locator('#member-institution').fill('Secretaría de Integración Social');
  await page.locator('#member-sector').fill('Integración social');
  await page.locator('#member-seat').selectOption('delegado');
  await page.getByRole('button', { name: 'Agregar integrante' }).click();
  await page.locator('#tabla-integrantes').getByText('Jorge Ruiz').waitFor();

  // Correct Jorge's role.
  const jorge = page.locator('#tabla-integrantes tr', { hasText: 'Jorge Ruiz' });
  await jorge.getByText('Corregir o retirar').click();
  const edit = jorge.locator('[data-form="corregir-integrante"]');
  await edit.getByLabel('Rol en la Mesa').fill('Delegado de Integración Social');
  await edit.getByRole('button', { name: 'Guardar cambios' }).click();
  await page.locator('#tabla-integrantes tr', { hasText: 'Delegado de Integración Social · Delegado(a)' }).waitFor();

  // Remove Carmen: she leaves the table and is listed among those who left.
  const carmen = page.locator('#tabla-integrantes tr', { hasText: 'Carmen Díaz' });
  await carmen.getByText('Corregir o retirar').click();
  await carmen.getByRole('button', { name: 'Retirar de la Mesa' }).click();
  await page.locator('.former-members summary', { hasText: 'Retirados de la Mesa (1)' }).waitFor();
  assert.equal(await page.locator('#tabla-integrantes tr', { hasText: 'Carmen Díaz' }).count(), 0);
  await page.screenshot({ path: ARTIFACTS + 'members-1920.png', fullPage: true });
  await context.close();
});

test('a member who joins by invitation is recorded as that member, and quorum counts them', async () => {
  const id = sala.cli('session', 'create', '--mesa', 'local-10', '--at', '2026-12-01T08:00:00-05:00').id;
  const started = await sala.startMeeting(id);
  assert.equal(started.status, 200);
  const url = sala.cli('invite', '--session', String(id), '--role', 'participante', '--name', 'Jorge Ruiz').url;
  const { context, page } = await open(url, { width: 360, height: 800 });
  // Someone who has not joined sees the join form first.
  const form = page.locator('form.join');
  await form.waitFor();
  const top = await form.evaluate((el) => el.getBoundingClientRect().top);
  assert.ok(top < 200, `the join form starts ${top}px down the page`);
  await page.screenshot({ path: ARTIFACTS + 'join-360.png' });
  assert.equal(await page.inputValue('#join-name'), 'Jorge Ruiz');
  await page.selectOption('#join-sector', 'Integración social');
  await page.getByRole('button', { name: 'Entrar al tablero' }).click();
  await page.waitForSelector('[data-board][data-status="conectado"][data-can-edit="true"]', { timeout: 20_000 });
  // Jorge sits as a delegate: he counts for quorum (1 of the 1 member still sitting).
  await page.waitForFunction(() => document.querySelector('[data-count="attendance"]')?.textContent.trim() === '1');
  const role = page.locator('li[data-kind="attendance"] [data-field="role"]').first();
  assert.equal(await role.inputValue(), 'delegado');
  await page.locator('[data-quorum="true"]').waitFor();
  const institution = page.locator('li[data-kind="attendance"] [data-field="institution"]').first();
  assert.equal(await institution.inputValue(), 'Secretaría de Integración Social');
  await page.screenshot({ path: ARTIFACTS + 'quorum-member-360.png', fullPage: true });
  await context.close();
  assert.deepEqual(errors, []);
});
