// Mail end to end, against a real SMTP server (tools/smtp/sink.py, Python's aiosmtpd): the
// secretary schedules a session from the Mesa page, which says mail is on; the convocatoria
// reaches the member with an e-mail (with its .ics), not the one with a phone; a refused address
// shows on the administrator's /admin/correo, at 1920 and on a phone, and is sent again from
// there. A server without SMTP says, on the same page, that nothing will be sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACTS, completeSetup, hydrated, launchChromium, newContext, startSala, visit } from '../lib/harness.mjs';

let sink;
let sala;
let browser;
const errors = [];
const PASSWORD = 'una clave larga de prueba';
const outDir = mkdtempSync(join(tmpdir(), 'sala-mails-'));

function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startSink() {
  const port = await freePort();
  const script = new URL('../../tools/smtp/sink.py', import.meta.url).pathname;
  const child = spawn('python3', [script, '--port', String(port), '--out', outDir, '--reject-rcpt', 'rechazado'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => chunk.toString().includes('listo') && resolve());
    child.on('exit', (code) => reject(new Error(`the SMTP sink exited with ${code} (is aiosmtpd installed? make smtp-sink)`)));
  });
  return { port, child };
}

function mails() {
  return readdirSync(outDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(outDir, f), 'utf8')));
}

async function waitForMails(count) {
  for (let i = 0; i < 200; i++) {
    const got = mails();
    if (got.length >= count) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`expected ${count} mails, got ${JSON.stringify(mails())}`);
}

before(async () => {
  sink = await startSink();
  sala = await startSala({
    env: { SALA_SMTP_URL: `smtp://127.0.0.1:${sink.port}`, SALA_MAIL_FROM: 'Sala situacional <sala@sala.test>' },
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await sala?.stop();
  sink?.child.kill();
  assert.deepEqual(errors, [], 'no page errors');
});

async function addMember(page, name, contact) {
  const form = page.locator('#form-integrante');
  await form.getByLabel('Nombre').fill(name);
  await form.getByLabel('Rol en la Mesa').fill('Integrante');
  await form.getByLabel('Participa como').selectOption('titular');
  await form.getByLabel('Institución').fill('EPS Sur');
  await form.getByLabel('Sector').fill('Salud');
  await form.getByLabel('Contacto').fill(contact);
  await form.getByRole('button', { name: 'Agregar integrante' }).click();
  await page.locator('#tabla-integrantes').getByText(name).waitFor();
}

test('a convocatoria by mail, and a refused address sent again by the administrator', async () => {
  const secretary = await newContext(browser, errors);
  await sala.asCoordination(secretary.page, 'local-06');
  await secretary.page.goto(`${sala.base}/mesas/local-06`);
  await hydrated(secretary.page);
  const notice = secretary.page.locator('[data-mail-enabled]');
  assert.equal(await notice.getAttribute('data-mail-enabled'), 'true');
  assert.match(await notice.textContent(), /envía la convocatoria por correo/);
  await addMember(secretary.page, 'Luis Gómez', 'luis.gomez@eps.co');
  await addMember(secretary.page, 'Marta Ruiz', '300 123 4567');
  await addMember(secretary.page, 'Pedro Páez', 'rechazado@eps.co');

  const year = new Date().getFullYear() + 1;
  await secretary.page.fill('#at', `${year}-03-10T09:00`);
  await secretary.page.fill('#place', 'Casa de la Cultura');
  await secretary.page.getByRole('button', { name: 'Programar sesión' }).click();
  await secretary.page.locator('#tabla-proximas tr[data-session]').first().waitFor();
  const session = await secretary.page.locator('#tabla-proximas tr[data-session]').first().getAttribute('data-session');
  await secretary.page.screenshot({ path: ARTIFACTS + 'mail-mesa-1920.png', fullPage: true });

  const [convocatoria] = await waitForMails(1);
  assert.deepEqual(convocatoria.rcpt_tos, ['luis.gomez@eps.co']);
  assert.match(convocatoria.subject, /^Convocatoria: .*sesión \d+ · \S+ 10 mar/);
  assert.match(convocatoria.body, /Lugar: Casa de la Cultura/);
  assert.ok(convocatoria.body.includes(`${sala.base}/sesiones/${session}`));
  assert.equal(convocatoria.attachments[0].filename, 'sesion.ics');
  assert.match(convocatoria.attachments[0].text, new RegExp(`UID:sesion-${session}@sala-situacional`));

  // The administrator's queue: one sent, one refused for good with the server's reason.
  for (let i = 0; i < 50 && !sala.setupLink; i++) await new Promise((r) => setTimeout(r, 100));
  const admin = await newContext(browser, errors);
  await completeSetup(admin.page, sala.setupLink, PASSWORD);
  await visit(admin.page, sala.base, '/admin/correo');
  await admin.page.locator('[data-mail-enabled="true"]').waitFor();
  const failed = admin.page.locator('tr[data-mail-state="fallido"]');
  await failed.waitFor();
  // whom it was for, without publishing the member's contact
  assert.match(await failed.textContent(), /Pedro Páez <r•••@eps\.co>/);
  assert.ok(!(await admin.page.content()).includes('rechazado@eps.co'), 'the address is masked');
  assert.match(await failed.locator('[data-mail-error]').textContent(), /rechazó.*550/);
  assert.equal(await admin.page.locator('tr[data-mail-state="enviado"]').count(), 1);
  assert.equal(await admin.page.locator('tr[data-mail-state="enviado"] [data-mail-retry]').count(), 0, 'a sent message is not offered again');
  await admin.page.screenshot({ path: ARTIFACTS + 'mail-admin-1920.png', fullPage: true });

  const phone = await newContext(browser, errors, { width: 360, height: 800 });
  await phone.ctx.addCookies(await admin.ctx.cookies());
  await visit(phone.page, sala.base, '/admin/correo');
  await phone.page.locator('tr[data-mail-state="fallido"]').waitFor();
  await phone.page.screenshot({ path: ARTIFACTS + 'mail-admin-360.png', fullPage: true });
  const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the mail page is ${width}px wide at 360px`);

  // Sent again: it is tried at once and refused again, one more try on the record.
  const id = await failed.getAttribute('data-mail');
  const triedBefore = await failed.getAttribute('data-mail-tried');
  assert.ok(triedBefore, 'the row says when it was tried');
  await failed.locator('[data-mail-retry]').click();
  // The page follows the new try by itself (no reload): refused again, at a later try.
  await admin.page.waitForFunction(([id, before]) => {
    const row = document.querySelector(`tr[data-mail="${id}"][data-mail-state="fallido"]`);
    return row && Number(row.dataset.mailTried) > Number(before);
  }, [id, triedBefore], { timeout: 30000 });
  assert.equal(mails().length, 1, 'the refused address never reached the sink');
  for (const c of [secretary, admin, phone]) await c.ctx.close();
});

test('without an SMTP server the Mesa page says nothing will be sent', async () => {
  const quiet = await startSala();
  try {
    const phone = await newContext(browser, errors, { width: 360, height: 800 });
    await quiet.asCoordination(phone.page, 'local-06');
    await phone.page.goto(`${quiet.base}/mesas/local-06`);
    await hydrated(phone.page);
    const notice = phone.page.locator('[data-mail-enabled="false"]');
    assert.match(await notice.textContent(), /El correo no está configurado/);
    await notice.scrollIntoViewIfNeeded();
    await phone.page.screenshot({ path: ARTIFACTS + 'mail-off-360.png' });
    await phone.ctx.close();
  } finally {
    await quiet.stop();
  }
});
