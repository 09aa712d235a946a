/**
 * The web service in a real browser, one journey per role, through the whole app (api + projections + jobs
 * on PostgreSQL or PGlite). Every page visited is checked with axe at WCAG 2.2 AA; the main pages are saved
 * as screenshots (to docs/screenshots with UPDATE_SCREENSHOTS=1). Skipped, saying why, when Debian's Chromium is not installed.
 */
import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';
import {
  axeViolations,
  describeWithChromium,
  launchBrowser,
  screenshot,
  type AxeFinding,
  type Browser,
} from './support/browser.js';
import { WebPages } from './support/web-pages.js';

const ALDER = {
  urn: '300001',
  name: 'Alder Primary School',
  phase: 'primary',
  localAuthority: 'Cambridgeshire',
};
const BIRCH = { urn: '300002', name: 'Birch Academy', phase: 'secondary', localAuthority: 'Peterborough' };

const ectAt = (schoolUrn: string, trn: string, firstName: string, lastName: string) => ({
  trn,
  firstName,
  lastName,
  dateOfBirth: '1998-04-12',
  email: `${firstName.toLowerCase()}@school.example`,
  schoolUrn,
  qtsAwardedOn: '2025-07-15',
  startDate: '2025-09-01',
  fte: 1,
  programme: 'provider-led',
  mentor: { name: 'Sam Patel', email: 'sam.patel@school.example' },
  inductionTutor: { name: 'Jo Reed', email: 'jo.reed@school.example' },
});

describeWithChromium('web service in Chromium: one journey per role, axe WCAG 2.2 AA on every page', () => {
  let t: TestLedger;
  let browser: Browser;
  let web: WebPages;
  let baseUrl: string;
  let birchEctId: string;
  const findings: AxeFinding[] = [];
  jest.setTimeout(300_000);

  /** Axe on the page as it is now; the journey goes on, and one test at the end reports every finding. */
  const check = async (name: string, shot = false) => {
    findings.push(...(await axeViolations(browser.page, name)));
    if (shot) await screenshot(browser.page, name);
  };

  beforeAll(async () => {
    // Pages wait for the read models after a command; on a loaded 2-core machine that can exceed 5 s.
    t = await startTestLedger({ now: '2026-01-20T09:00:00Z', env: { READ_WAIT_TIMEOUT_MS: '60000' } });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const hub = await t.token('hub_staff');
    for (const school of [ALDER, BIRCH]) {
      await t.http.post('/api/v1/schools').set('Authorization', `Bearer ${hub}`).send(school).expect(201);
    }
    await t.http
      .post('/api/v1/ects')
      .set('Authorization', `Bearer ${hub}`)
      .send(ectAt(ALDER.urn, '4000001', 'Priya', 'Shah'))
      .expect(201);
    const birch = await t.http
      .post('/api/v1/ects')
      .set('Authorization', `Bearer ${hub}`)
      .send(ectAt(BIRCH.urn, '4000002', 'Tom', 'Hughes'))
      .expect(201);
    birchEctId = (birch.body as { id: string }).id;
    browser = await launchBrowser();
    web = new WebPages(browser.page, baseUrl);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('sends a visitor who is not signed in to the sign-in page, and serves the information pages', async () => {
    await web.goto('/ects');
    expect(new URL(browser.page.url()).pathname).toBe('/sign-in');
    expect(await web.heading()).toBe('Sign in');
    await check('sign-in', true);
    for (const [path, heading] of [
      ['/accessibility', 'Accessibility statement for Manage ECT induction'],
      ['/cookies', 'Cookies'],
      ['/privacy', 'Privacy notice'],
    ] as const) {
      expect(await web.goto(path)).toBe(200);
      expect(await web.heading()).toBe(heading);
      await check(path.slice(1));
    }
    expect(await web.goto('/no-such-page')).toBe(404);
    await check('not-found');
  });

  it('hub staff: dashboard, schools, add a school with check answers and confirmation', async () => {
    await browser.context.clearCookies();
    await web.signInAsDeveloper('hub_staff', { name: 'Hana Hub' });
    expect(await web.heading()).toBe('Hub dashboard');
    await check('hub-dashboard', true);

    await browser.page.getByRole('link', { name: 'Schools', exact: true }).click();
    expect(await web.heading()).toBe('Schools');
    await check('schools', true);

    await browser.page.getByRole('button', { name: 'Add a school' }).click();
    await web.press('Continue');
    const summary = await web.errorSummary();
    expect(summary).toEqual([
      'Enter the school’s URN',
      'Enter the school’s name',
      'Select the school’s phase',
      'Enter the school’s local authority',
    ]);
    expect(await web.inlineErrors()).toEqual(summary);
    expect(await browser.page.title()).toMatch(/^Error: /);
    await check('add-school-errors', true);

    await web.fill('Unique reference number (URN)', '300003');
    await web.fill('School name', 'Cedar Church of England School');
    await web.select('Phase', 'primary');
    await web.fill('Local authority', 'Suffolk');
    await web.press('Continue');
    expect(await web.heading()).toBe('Check the school’s details before adding it');
    await check('add-school-check');
    await web.press('Add school');
    expect([await web.heading(), ...(await web.errorSummary())]).toEqual(['School added']);
    await check('add-school-confirmation', true);

    await web.goto('/schools');
    await expect(
      browser.page.getByRole('link', { name: 'Cedar Church of England School' }).count(),
    ).resolves.toBe(1);
    await web.signOut();
    await check('signed-out');
  });

  it('induction tutor: dashboard, register an ECT, the ECT’s page, the list; another school’s ECT is a 404', async () => {
    await browser.context.clearCookies();
    await web.signInAsDeveloper('induction_tutor', { schoolUrn: ALDER.urn, name: 'Tess Tutor' });
    expect(await web.heading()).toBe('Your dashboard');
    await expect(browser.page.getByRole('link', { name: 'Priya Shah' }).count()).resolves.toBeGreaterThan(0);
    await check('tutor-dashboard', true);

    await browser.page.getByRole('button', { name: 'Register an ECT' }).click();
    expect(await web.heading()).toBe('What are the ECT’s details?');
    await web.fill('Teacher reference number (TRN)', '12345');
    await web.press('Continue');
    const summary = await web.errorSummary();
    expect(summary[0]).toBe('TRN must be 7 digits, like 1234567');
    expect(await web.inlineErrors()).toEqual(summary);
    await check('register-ect-errors', true);

    await web.fill('Teacher reference number (TRN)', '4000003');
    await web.fill('First name', 'Ada');
    await web.fill('Last name', 'Lovelace');
    await web.fillDate('Date of birth', '1999-12-10');
    await web.fill('Email address', 'ada.lovelace@alder.example');
    await web.press('Continue');
    expect(await web.heading()).toBe('About the ECT’s induction');
    await web.fillDate('Induction start date', '2026-01-05');
    await web.fillDate('Date QTS was awarded', '2025-07-15');
    await web.fill('Full-time equivalent (FTE)', '0.8');
    await web.choose('School-led');
    await check('register-ect-induction', true);
    await web.press('Continue');
    expect(await web.heading()).toBe('Who are the ECT’s mentor and induction tutor?');
    await web.fill('Mentor’s full name', 'Sam Patel');
    await web.fill('Mentor’s email address', 'sam.patel@alder.example');
    await web.fill('Induction tutor’s full name', 'Tess Tutor');
    await web.fill('Induction tutor’s email address', 'tess.tutor@alder.example');
    await web.press('Continue');

    expect(await web.heading()).toBe('Check your answers before registering the ECT');
    expect(await web.summaryValue('Date of birth')).toBe('10 December 1999');
    await check('register-ect-check', true);
    await web.press('Register ECT');
    expect([await web.heading(), ...(await web.errorSummary())]).toEqual(['ECT registered']);
    await check('register-ect-confirmation', true);

    await browser.page.getByRole('link', { name: 'View Ada Lovelace’s induction' }).click();
    expect(await web.heading()).toBe('Ada Lovelace');
    expect(await web.summaryValue('Induction start date')).toBe('5 January 2026');
    expect(await web.summaryValue('Programme')).toBe('School-led');
    await check('ect', true);

    await browser.page.getByRole('link', { name: 'ECTs', exact: true }).click();
    // allInnerTexts does not wait: read the list once its page has loaded (a CI run read the last page's).
    await browser.page.locator('table tbody tr td:first-child').first().waitFor();
    const names = await browser.page.locator('table tbody tr td:first-child').allInnerTexts();
    expect(names.sort()).toEqual(['Ada Lovelace', 'Priya Shah']);
    await check('ects', true);

    await browser.page.getByRole('link', { name: 'Priya Shah' }).click();
    await browser.page.getByRole('button', { name: 'Submit a progress review' }).click();
    await web.fill('Induction term', '1');
    await web.fillDate('Date of the review', '2025-12-10');
    await web.choose('No');
    await web.press('Continue');
    expect(await web.heading()).toBe('What did the review find?');
    await web.fill('Strengths', 'Clear explanations and good rapport with pupils');
    await web.fill('Development targets', 'Adaptive teaching for pupils with EAL');
    await web.press('Continue');
    expect(await web.errorSummary()).toEqual(['Enter the support plan, because the ECT is not on track']);
    await check('progress-review-errors', true);
    await web.fill('Support plan', 'Weekly coaching on adaptive teaching with the mentor');
    await web.press('Continue');
    expect(await web.heading()).toBe('Check the progress review before submitting it');
    await check('progress-review-check');
    await web.press('Submit progress review');
    expect([await web.heading(), ...(await web.errorSummary())]).toEqual(['Progress review submitted']);
    await check('progress-review-confirmation');
    await browser.page.getByRole('link', { name: 'Back to Priya Shah’s induction' }).click();
    await browser.page.locator('.moj-timeline__title').first().waitFor();
    await expect(browser.page.locator('.moj-timeline__title').allInnerTexts()).resolves.toContain(
      'Progress review submitted',
    );
    await check('ect-timeline', true);

    expect(await web.goto(`/ects/${birchEctId}`)).toBe(404);
    expect(await web.goto(`/ects/${birchEctId}/progress-review/review`)).toBe(404);
    expect(await web.heading()).toBe('Page not found');
    expect(await web.goto('/schools')).toBe(403);
    // A school's page and its SLA form are the hub's, even for the tutor's own school.
    expect(await web.goto(`/schools/${ALDER.urn}`)).toBe(403);
    expect(await web.goto(`/schools/${ALDER.urn}/sla`)).toBe(403);
    expect(await web.goto('/training/2025/publish')).toBe(403);
    await check('forbidden');
    await web.signOut();
  });

  it('panel member: cases awaiting a decision, and an ECT’s page from any school', async () => {
    await browser.context.clearCookies();
    await web.signInAsDeveloper('panel_member', { name: 'Pat Panel' });
    expect(await web.heading()).toBe('Cases awaiting a decision');
    await check('panel-dashboard', true);
    expect(await web.goto(`/ects/${birchEctId}`)).toBe(200);
    expect(await web.heading()).toBe('Tom Hughes');
    await check('panel-ect');
    await web.signOut();
  });

  it('induction tutor: full ECT page, formal and interim assessments, absence with the R9 choice, mentor, plan, CSV upload', async () => {
    const hub = await t.token('hub_staff');
    const asHub = (path: string, body: object) =>
      t.http.post(path).set('Authorization', `Bearer ${hub}`).send(body).expect(201);
    // Started in January 2025: the year-1 assessment's term began on 1 January 2026, so it can be held now.
    const grace = await asHub('/api/v1/ects', {
      ...ectAt(ALDER.urn, '4000021', 'Grace', 'Hopper'),
      startDate: '2025-01-06',
      qtsAwardedOn: '2024-07-15',
    });
    const graceId = (grace.body as { id: string }).id;
    // Left Birch for Alder after a term: R13 owes an interim assessment.
    const alan = await asHub('/api/v1/ects', ectAt(BIRCH.urn, '4000022', 'Alan', 'Turing'));
    const alanId = (alan.body as { id: string }).id;
    const moved = await t.http
      .post(`/api/v1/ects/${alanId}/transfers`)
      .set('Authorization', `Bearer ${hub}`)
      .send({ toSchoolUrn: ALDER.urn, leftOn: '2026-01-16', reason: 'Moved to a new post' });
    expect([200, 201, 202]).toContain(moved.status);
    await t.http
      .get(`/api/v1/ects/${alanId}`)
      .set('Authorization', `Bearer ${hub}`)
      .set('X-Min-Log-Position', String(moved.headers['x-log-position']))
      .expect(200);

    await browser.context.clearCookies();
    await web.signInAsDeveloper('induction_tutor', { schoolUrn: ALDER.urn, name: 'Tess Tutor' });
    await expect(browser.page.getByRole('link', { name: 'Grace Hopper' }).count()).resolves.toBeGreaterThan(
      0,
    );
    await check('tutor-dashboard-due', true);

    // The ECT's page: summary, entitlements from the entitlement view, plan, timeline, actions.
    await web.goto(`/ects/${graceId}`);
    expect(await web.heading()).toBe('Grace Hopper');
    await expect(browser.page.getByRole('heading', { name: 'Statutory entitlements' }).count()).resolves.toBe(
      1,
    );
    await expect(browser.page.getByRole('heading', { name: 'Induction plan' }).count()).resolves.toBe(1);
    await check('ect-full', true);

    // Formal assessment (R12): four pages, check answers, confirmation.
    await browser.page.getByRole('button', { name: 'Submit a formal assessment' }).click();
    expect(await web.heading()).toBe('About the assessment');
    await web.press('Continue');
    expect(await web.errorSummary()).toEqual([
      'Select which assessment this is',
      'Enter the date of the assessment meeting',
      'Select who made the assessment',
      'Enter the assessor’s email address',
    ]);
    await check('formal-assessment-errors', true);
    await web.choose('End of year 1');
    await web.fillDate('Date of the assessment meeting', '2026-01-19');
    await web.choose('The induction tutor');
    await web.fill('Assessor’s email address', 'jo.reed@school.example');
    await web.press('Continue');
    expect(await web.heading()).toBe('Has the ECT met each of the Teachers’ Standards?');
    for (const id of ['TS1', 'TS2', 'TS3', 'TS4', 'TS5', 'TS6', 'TS7', 'TS8', 'Part Two']) {
      await browser.page
        .getByRole('group', { name: new RegExp(`^${id}:`) })
        .getByLabel('Met', { exact: true })
        .check();
    }
    await check('formal-assessment-standards', true);
    await web.press('Continue');
    await web.choose('Satisfactory progress');
    await web.fill('Evidence', 'Lesson observations, planning and pupil work');
    await web.press('Continue');
    expect(await web.heading()).toBe('When was the report signed?');
    await web.fillDate('Signed by the induction tutor', '2026-01-19');
    await web.fillDate('Signed by the headteacher', '2026-01-20');
    await web.fillDate('Signed by the ECT', '2026-01-20');
    await web.press('Continue');
    expect(await web.heading()).toBe('Check the formal assessment before submitting it');
    expect(await web.summaryValue('Signed by the headteacher')).toBe('20 January 2026');
    await check('formal-assessment-check', true);
    await web.press('Submit formal assessment');
    expect([await web.heading(), ...(await web.errorSummary())]).toEqual(['Formal assessment submitted']);
    await check('formal-assessment-confirmation');

    // Statutory leave, with the ECT's R9 choice recorded afterwards.
    await web.goto(`/ects/${graceId}`);
    await browser.page.getByRole('button', { name: 'Record an absence' }).click();
    await web.choose('Maternity leave');
    await web.fillDate('First day of the absence', '2026-01-05');
    await web.fillDate('Last day of the absence', '2026-01-02');
    await web.fill('Days absent', '10');
    await web.press('Continue');
    expect(await web.errorSummary()).toEqual([
      'Last day of the absence must be the same as or after the first day',
    ]);
    await check('record-absence-errors', true);
    await web.fillDate('Last day of the absence', '2026-01-16');
    await web.press('Continue');
    await web.choose('Not chosen yet, or not statutory leave');
    await web.press('Continue');
    expect(await web.heading()).toBe('Check the absence before recording it');
    await check('record-absence-check');
    await web.press('Record absence');
    expect([await web.heading(), ...(await web.errorSummary())]).toEqual(['Absence recorded']);
    await check('record-absence-confirmation');
    await browser.page.getByRole('link', { name: 'Back to Grace Hopper’s induction' }).click();
    await browser.page.getByRole('link', { name: /Record the ECT’s choice/ }).click();
    await web.press('Record the choice');
    expect(await web.errorSummary()).toEqual(['Select whether the ECT has chosen to extend induction']);
    await web.choose('Yes, extend induction by the leave');
    await check('leave-choice', true);
    await web.press('Record the choice');
    expect([await web.heading(), ...(await web.errorSummary())]).toEqual(['The ECT’s choice is recorded']);
    await check('leave-choice-confirmation');

    // A new mentor from a date.
    await web.goto(`/ects/${graceId}`);
    await browser.page.getByRole('button', { name: 'Change mentor' }).click();
    await web.fill('Mentor’s full name', 'Lee Chan');
    await web.fill('Mentor’s email address', 'lee.chan@alder.example');
    await web.choose('Yes');
    await web.fillDate('Date the new mentor starts', '2026-01-19');
    await web.press('Continue');
    expect(await web.heading()).toBe('Check the new mentor’s details');
    await web.press('Change mentor');
    expect([await web.heading(), ...(await web.errorSummary())]).toEqual(['Mentor changed']);
    await check('change-mentor-confirmation', true);
    await browser.page.getByRole('link', { name: 'Back to Grace Hopper’s induction' }).click();
    // allInnerTexts does not wait: read the timeline once the ECT page has replaced the confirmation page
    // (read at once, it sometimes read the confirmation page's none).
    await browser.page.locator('.moj-timeline__title').first().waitFor();
    const timeline = await browser.page.locator('.moj-timeline__title').allInnerTexts();
    expect(timeline).toEqual(
      expect.arrayContaining(['Formal assessment recorded', 'Absence recorded', 'Mentor changed']),
    );

    // The interim assessment the move to Alder owes (R13).
    await web.goto(`/ects/${alanId}`);
    await browser.page.getByRole('button', { name: 'Submit an interim assessment' }).click();
    await web.fillDate('Date of the assessment', '2026-01-16');
    await web.fill('Progress against the Teachers’ Standards', 'Secure on TS1 to TS4; developing TS5');
    await web.press('Continue');
    expect(await web.heading()).toBe('Check the interim assessment before submitting it');
    await web.press('Submit interim assessment');
    expect([await web.heading(), ...(await web.errorSummary())]).toEqual(['Interim assessment submitted']);
    await check('interim-assessment-confirmation', true);

    // The school's plan, with its calendar and spreadsheet.
    await browser.page.getByRole('link', { name: 'Plan', exact: true }).click();
    expect(await web.heading()).toBe('Induction plan');
    await check('school-plan', true);
    const ics = await browser.page.request.get(`${baseUrl}/schools/${ALDER.urn}/plan.ics`);
    expect(ics.headers()['content-type']).toMatch(/^text\/calendar/);
    expect(await ics.text()).toContain('BEGIN:VCALENDAR');
    const csv = await browser.page.request.get(`${baseUrl}/schools/${ALDER.urn}/plan.csv`);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    expect((await csv.text()).split('\n')[0]).toContain('Date');

    // Bulk upload: errors first (nothing registered), the error CSV, then a good file, confirmed.
    const header =
      'TRN,Date of birth,Induction programme,Induction period start date,First name,Last name,Email,School URN,QTS award date,FTE,Mentor name,Mentor email,Induction tutor name,Induction tutor email';
    const row = (trn: string, first: string, urn = ALDER.urn) =>
      `${trn},12/04/1998,provider-led,05/01/2026,${first},Bulk,${first.toLowerCase()}@alder.example,${urn},15/07/2025,1,Sam Patel,sam.patel@alder.example,Tess Tutor,tess.tutor@alder.example`;
    await browser.page.getByRole('link', { name: 'Upload a CSV', exact: true }).click();
    expect(await web.heading()).toBe('Register ECTs from a CSV file');
    await web.press('Upload and check the file');
    expect(await web.errorSummary()).toEqual(['Select a CSV file']);
    await check('bulk-upload-errors', true);
    const upload = async (lines: string[]) => {
      await browser.page.getByLabel('Upload a CSV file').setInputFiles({
        name: 'ects.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from([header, ...lines].join('\n')),
      });
      await web.press('Upload and check the file');
    };
    await upload([row('4000031', 'Rowan'), row('4000032', 'Robin', BIRCH.urn)]);
    expect(await web.heading()).toBe('Fix the rows with errors');
    await expect(browser.page.locator('table tbody tr').allInnerTexts()).resolves.toEqual([
      expect.stringContaining('School URN 300002 is not one of your schools'),
    ]);
    await check('bulk-upload-row-errors', true);
    const errorsHref = await browser.page
      .getByRole('link', { name: 'Download the rows with errors (CSV)' })
      .getAttribute('href');
    const errorsCsv = await (await browser.page.request.get(`${baseUrl}${errorsHref}`)).text();
    expect(errorsCsv).toContain('not one of your schools');
    await browser.page.getByRole('link', { name: 'Upload a corrected file' }).click();
    await upload([row('4000031', 'Rowan'), row('4000032', 'Robin')]);
    expect(await web.heading()).toBe('Check the upload before registering the ECTs');
    await check('bulk-upload-check', true);
    await web.press('Register 2 ECTs');
    expect([await web.heading(), ...(await web.errorSummary())]).toEqual(['ECTs registered']);
    await check('bulk-upload-confirmation');
    await web.goto('/ects');
    const names = await browser.page.locator('table tbody tr td:first-child').allInnerTexts();
    expect(names).toEqual(expect.arrayContaining(['Rowan Bulk', 'Robin Bulk']));

    // Another school's ECT and plan are 404s on every page; hub pages are 403.
    expect(await web.goto(`/ects/${birchEctId}/formal-assessment/assessment`)).toBe(404);
    expect(await web.goto(`/ects/${birchEctId}/absence/absence`)).toBe(404);
    expect(await web.goto(`/schools/${BIRCH.urn}/plan`)).toBe(404);
    expect(await web.goto(`/schools/${BIRCH.urn}/plan.csv`)).toBe(404);
    expect(await web.goto('/jobs')).toBe(403);
    await web.signOut();
  });

  it('hub staff: dashboard counts link to the entitlement report and the jobs and notifications page', async () => {
    await browser.context.clearCookies();
    await web.signInAsDeveloper('hub_staff', { name: 'Hana Hub' });
    expect(await web.heading()).toBe('Hub dashboard');
    await check('hub-dashboard-counts', true);
    await browser.page.getByRole('link', { name: /with an entitlement not met$/ }).click();
    expect(await web.heading()).toBe('Statutory entitlements');
    await expect(browser.page.getByRole('rowheader', { name: ALDER.name }).count()).resolves.toBe(1);
    await check('entitlements', true);
    // The ECTs with a shortfall fit one page here: no pagination, and a page past the end is the last page.
    const shortfalls = await browser.page.locator('table').nth(1).locator('tbody tr').count();
    expect(shortfalls).toBeGreaterThan(0);
    await expect(browser.page.locator('.govuk-pagination').count()).resolves.toBe(0);
    expect(await web.goto('/entitlements?page=9')).toBe(200);
    await expect(browser.page.locator('table').nth(1).locator('tbody tr').count()).resolves.toBe(shortfalls);
    await browser.page.getByRole('link', { name: 'Dashboard', exact: true }).click();
    await browser.page.getByRole('link', { name: 'Jobs', exact: true }).click();
    expect(await web.heading()).toBe('Jobs and notifications');
    await check('jobs', true);
    expect(await web.goto(`/schools/${BIRCH.urn}/plan`)).toBe(200);
    await check('hub-school-plan');
    await web.signOut();
  });

  it('security: session cookie flags, a new session id on sign-in, CSRF refused, sign-out ends the session', async () => {
    await browser.context.clearCookies();
    await web.goto('/sign-in');
    const before = (await browser.context.cookies()).find((c) => c.name === 'ledger.sid');
    expect(before).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    await web.signInAsDeveloper('hub_staff');
    const after = (await browser.context.cookies()).find((c) => c.name === 'ledger.sid');
    expect(after?.value).not.toBe(before?.value);

    const forged = await browser.page.request.post(`${baseUrl}/schools/add/details`, {
      form: { urn: '300009', name: 'Forged', phase: 'primary', localAuthority: 'X' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);

    const csp = (await browser.page.request.get(`${baseUrl}/`)).headers()['content-security-policy'] ?? '';
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);

    await web.goto('/');
    await web.signOut();
    await web.goto('/');
    expect(new URL(browser.page.url()).pathname).toBe('/sign-in');
  });

  it('finds no WCAG 2.2 AA violations on any page visited', () => {
    expect(findings).toEqual([]);
  });
});
