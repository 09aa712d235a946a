import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { Response } from 'superagent';
import { ReadModelFreshness } from '#read-models/runner/read-model-freshness.js';
import { rebuildProjection } from '#read-models/runner/projection-rebuild.js';
import type { AnnualSurveyReport } from '#read-models/survey/annual-survey-report.js';
import { writeScaleData } from '../../apps/cli/src/generate/write-scale-data.js';
import { scaleProfile } from '../../apps/cli/src/generate/scale-profiles.js';
import { simulateSurvey } from '../../apps/cli/src/generate/simulate-survey.js';
import { invitationIdOf, surveyToken } from '../../apps/api/src/surveys/survey-links.js';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';

const YEAR = 2025;
const TODAY = '2026-07-10';

const binary = (res: Response, callback: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
};

describe('annual survey and AB quality report (issue 8) on a small generated data set', () => {
  let t: TestLedger;
  let token: string;
  let report: AnnualSurveyReport;
  const q = <T>(sql: string, params: unknown[] = []) =>
    t.ledger.runtime.dataSource.query(sql, params) as Promise<T[]>;

  const waitForProjections = async (position: string | bigint) => {
    const fresh = await new ReadModelFreshness(
      t.ledger.runtime.dataSource,
      t.ledger.runtime.eventStore,
    ).waitFor(
      BigInt(position),
      t.ledger.projections.map((p) => p.name),
      120_000,
    );
    expect(fresh).toBe(true);
  };

  beforeAll(async () => {
    t = await startTestLedger({ now: `${TODAY}T09:00:00Z` });
    token = await t.token('hub_staff');
    await writeScaleData(t.ledger, { profile: scaleProfile('small'), seed: 7 });
    // A school added through the API gives a position after the generated data; the survey needs the register.
    const added = await t.http
      .post('/api/v1/schools')
      .set('Authorization', `Bearer ${token}`)
      .send({ urn: '999001', name: 'Late Joiners Academy', phase: 'primary', localAuthority: 'Peterborough' })
      .expect(201);
    await waitForProjections(added.headers['x-log-position'] as string);
    await simulateSurvey(t.ledger.runtime, { year: YEAR, seed: 7 });
    const booked = await t.http
      .post('/api/v1/schools/999001/service-sessions')
      .set('Authorization', `Bearer ${token}`)
      .send({
        sessionId: 'clinic-1',
        kind: 'clinic',
        title: 'Drop-in clinic',
        heldOn: '2026-03-04',
        places: 2,
      })
      .expect(201);
    await waitForProjections(booked.headers['x-log-position'] as string);
    const started = process.hrtime.bigint();
    const response = await t.http
      .get(`/api/v1/reports/annual-survey/${YEAR}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    console.log(
      `annual survey report (small data set): ${Number(process.hrtime.bigint() - started) / 1e6} ms`,
    );
    report = response.body as AnnualSurveyReport;
  }, 300_000);
  afterAll(async () => {
    await t?.close();
  });

  it('response rates equal the invitations and responses in the survey tables', async () => {
    const [counts] = await q<{ invited: number; responded: number; responses: number }>(
      `SELECT (SELECT count(*)::int FROM survey_invitations WHERE year = $1) AS invited,
              (SELECT count(*)::int FROM survey_invitations WHERE year = $1 AND responded_on IS NOT NULL) AS responded,
              (SELECT count(*)::int FROM survey_responses WHERE year = $1) AS responses`,
      [YEAR],
    );
    expect(report.ab.invited).toBe(counts!.invited);
    expect(report.ab.responded).toBe(counts!.responded);
    expect(report.ab.responded).toBe(counts!.responses);
    expect(report.ab.responseRate).toBeCloseTo(counts!.responded / counts!.invited, 3);
    expect(report.schools.reduce((n, s) => n + s.invited, 0)).toBe(counts!.invited);
  });

  it('each rating distribution and mean equal the answers stored, with last year’s change', async () => {
    for (const question of report.ab.questions.filter((x) => x.kind === 'rating')) {
      const rows = await q<{ rating: string; n: number }>(
        `SELECT answers->>$2 AS rating, count(*)::int AS n FROM survey_responses WHERE year = $1 AND answers ? $2 GROUP BY 1`,
        [YEAR, question.id],
      );
      for (const row of rows) expect(question.distribution[row.rating]).toBe(row.n);
      const [mean] = await q<{ current: number; previous: number }>(
        `SELECT (SELECT round(avg((answers->>$2)::numeric), 2)::float FROM survey_responses WHERE year = $1) AS current,
                (SELECT round(avg((answers->>$2)::numeric), 2)::float FROM survey_responses WHERE year = $1 - 1) AS previous`,
        [YEAR, question.id],
      );
      expect(question.mean).toBeCloseTo(mean!.current, 2);
      expect(question.previousMean).toBeCloseTo(mean!.previous, 2);
      expect(question.change).toBeCloseTo(mean!.current - mean!.previous, 1);
    }
  });

  it('service figures per school equal the projections’ own counts', async () => {
    const statuses = await q<{
      school_urn: string;
      passed: number;
      failed: number;
      extended: number;
      total: number;
    }>(
      `SELECT school_urn, count(*) FILTER (WHERE phase = 'passed')::int AS passed,
              count(*) FILTER (WHERE phase = 'failed')::int AS failed, count(*) FILTER (WHERE extended)::int AS extended,
              count(*) FILTER (WHERE phase <> 'unregistered')::int AS total
         FROM ects GROUP BY school_urn`,
    );
    const sessions = await q<{ school_urn: string; kind: string; places: number; attended: number }>(
      `SELECT school_urn, kind, sum(places)::int AS places, coalesce(sum(attended), 0)::int AS attended
         FROM service_sessions WHERE held_on BETWEEN '2025-09-01' AND '2026-08-31' GROUP BY 1, 2`,
    );
    const sla = await q<{ school_urn: string; reviewed: number; met: number }>(
      `SELECT school_urn, count(*)::int AS reviewed, count(*) FILTER (WHERE met)::int AS met
         FROM service_sla_reviews WHERE year = $1 GROUP BY 1`,
      [YEAR],
    );
    const assessments = await q<{ school_urn: string; recorded: number }>(
      `SELECT e.school_urn, count(*)::int AS recorded FROM ects e, jsonb_array_elements(e.state->'assessments') a
        WHERE a->>'assessedOn' <= $1 GROUP BY 1`,
      [TODAY],
    );
    const open = await q<{ school_urn: string; n: number }>(
      `SELECT school_urn, count(*)::int AS n FROM entitlement_view WHERE phase IN ('open', 'awaiting-decision') GROUP BY 1`,
    );
    expect(report.schools.length).toBe(11);
    for (const school of report.schools) {
      const s = school.service;
      const st = statuses.find((r) => r.school_urn === school.schoolUrn);
      expect(s.outcomes).toEqual({
        passed: st?.passed ?? 0,
        failed: st?.failed ?? 0,
        extended: st?.extended ?? 0,
      });
      expect(Object.values(s.ectsByStatus).reduce((a, b) => a + b, 0)).toBe(st?.total ?? 0);
      for (const kind of ['clinic', 'tutor-training'] as const) {
        const row = sessions.find((r) => r.school_urn === school.schoolUrn && r.kind === kind);
        const figure = kind === 'clinic' ? s.clinics : s.tutorTraining;
        expect([figure.places, figure.attended]).toEqual([row?.places ?? 0, row?.attended ?? 0]);
      }
      const slaRow = sla.find((r) => r.school_urn === school.schoolUrn);
      expect(s.sla).toEqual({ reviewed: slaRow?.reviewed ?? 0, met: slaRow?.met ?? 0 });
      expect(s.assessments.recorded).toBe(
        assessments.find((r) => r.school_urn === school.schoolUrn)?.recorded ?? 0,
      );
      expect(s.entitlements.ects).toBe(open.find((r) => r.school_urn === school.schoolUrn)?.n ?? 0);
    }
    const [all] = await q<{ n: number }>(`SELECT count(*)::int AS n FROM ects WHERE phase <> 'unregistered'`);
    expect(Object.values(report.ab.service.ectsByStatus).reduce((a, b) => a + b, 0)).toBe(all!.n);
    for (const [figure, table] of [
      ['earlyHelp', 'early_help_cases'],
      ['moderation', 'moderation_forms'],
      ['trainingAttendance', 'training_attendance'],
    ] as const) {
      const [present] = await q<{ p: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS p`, [table]);
      expect(report.available[figure]).toBe(present!.p);
    }
    for (const school of report.schools)
      for (const action of school.actions) expect(action.threshold).toBeGreaterThanOrEqual(0);
  });

  it('renders a PDF with its charts, and a CSV for every table', async () => {
    const pdf = await t.http
      .get(`/api/v1/reports/annual-survey/${YEAR}`)
      .set('Authorization', `Bearer ${token}`)
      .set('Accept', 'application/pdf')
      .buffer(true)
      .parse(binary)
      .expect(200)
      .expect('Content-Type', /application\/pdf/);
    const body = pdf.body as Buffer;
    expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(body.toString('latin1')).toContain('Chart: Service figures');
    expect(body.toString('latin1')).toContain('Chart: Ratings given');

    const csv = await t.http
      .get(`/api/v1/reports/annual-survey/${YEAR}`)
      .query({ table: 'questions' })
      .set('Authorization', `Bearer ${token}`)
      .set('Accept', 'text/csv')
      .expect(200)
      .expect('Content-Type', /text\/csv/);
    expect(csv.text.split('\n')[0]).toBe(
      'scope,questionId,question,kind,responses,rating1,rating2,rating3,rating4,rating5,yes,no,mean,previousMean,change',
    );
    for (const table of ['response-rates', 'service', 'themes', 'actions']) {
      const res = await t.http
        .get(`/api/v1/reports/annual-survey/${YEAR}`)
        .query({ table })
        .set('Authorization', `Bearer ${token}`)
        .set('Accept', 'text/csv')
        .expect(200);
      expect(res.text.split('\n')[0]!.startsWith('scope,')).toBe(true);
    }
    const rates = await t.http
      .get(`/api/v1/reports/annual-survey/${YEAR}`)
      .query({ table: 'response-rates' })
      .set('Authorization', `Bearer ${token}`)
      .set('Accept', 'text/csv');
    expect(rates.text.split('\n').filter(Boolean)).toHaveLength(1 + 1 + report.schools.length);
  });

  it('takes a response from a personal link once; refuses unknown and expired links', async () => {
    const secret = t.ledger.runtime.config.apiTokenSecret;
    const [waiting] = await q<{ school_urn: string; role: string }>(
      `SELECT school_urn, role FROM survey_invitations WHERE year = $1 AND responded_on IS NULL ORDER BY 1, 2 LIMIT 1`,
      [YEAR],
    );
    const link = surveyToken(secret, invitationIdOf(YEAR, waiting!.school_urn, waiting!.role));
    const answers = {
      overall: 4,
      advice: 5,
      training: 3,
      'sla-clear': true,
      recommend: true,
      improve: 'More clinics',
    };
    const first = await t.http
      .post(`/api/v1/surveys/${YEAR}/responses`)
      .send({ token: link, answers })
      .expect(201);
    const again = await t.http
      .post(`/api/v1/surveys/${YEAR}/responses`)
      .send({ token: link, answers })
      .expect(201);
    expect(again.headers['x-log-position']).toBe(first.headers['x-log-position']);
    await t.http
      .post(`/api/v1/surveys/${YEAR}/responses`)
      .send({ token: link, answers: { ...answers, overall: 1 } })
      .expect(409);
    await waitForProjections(first.headers['x-log-position'] as string);
    const [{ n }] = (await q<{ n: number }>(
      `SELECT count(*)::int AS n FROM survey_responses WHERE year = $1 AND school_urn = $2 AND role = $3`,
      [YEAR, waiting!.school_urn, waiting!.role],
    )) as [{ n: number }];
    expect(n).toBe(1);

    const unknown = await t.http
      .post(`/api/v1/surveys/${YEAR}/responses`)
      .send({ token: 'not-a-real-link', answers })
      .expect(404);
    expect(unknown.body.message).toEqual(['That survey link is not valid']);
    await t.http
      .post(`/api/v1/surveys/${YEAR}/responses`)
      .send({ token: link, answers: { ...answers, overall: 9 } })
      .expect((res) => expect([400, 409]).toContain(res.status));

    // A school added after the invitations gets links that expired before today.
    const late = await t.http
      .post('/api/v1/schools')
      .set('Authorization', `Bearer ${token}`)
      .send({ urn: '999002', name: 'Later Still School', phase: 'secondary', localAuthority: 'Peterborough' })
      .expect(201);
    await waitForProjections(late.headers['x-log-position'] as string);
    await t.http
      .post(`/api/v1/surveys/${YEAR}/invitations`)
      .set('Authorization', `Bearer ${token}`)
      .send({ expiresOn: '2026-07-01' })
      .expect(201);
    const expired = surveyToken(secret, invitationIdOf(YEAR, '999002', 'head'));
    const refused = await t.http
      .post(`/api/v1/surveys/${YEAR}/responses`)
      .send({ token: expired, answers })
      .expect(403);
    expect(refused.body.message).toEqual(['That survey link has expired']);
  });

  it('generates the report as a job with progress, with the same figures', async () => {
    const started = await t.http
      .post(`/api/v1/reports/annual-survey/${YEAR}/generations`)
      .set('Authorization', `Bearer ${token}`)
      .expect(202);
    const { jobId, queue } = started.body as { jobId: string; queue: string };
    let job: { state: string; progress: unknown; returnValue?: unknown } = { state: 'waiting', progress: 0 };
    for (let i = 0; i < 200 && job.state !== 'completed' && job.state !== 'failed'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (
        await t.http.get(`/api/v1/jobs/${queue}/${jobId}`).set('Authorization', `Bearer ${token}`).expect(200)
      ).body as typeof job;
    }
    expect(job.state).toBe('completed');
    expect(job.progress).toMatchObject({ stage: 'done' });
    const latest = await t.http
      .get(`/api/v1/reports/annual-survey/${YEAR}`)
      .query({ run: 'latest' })
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    const live = (
      await t.http
        .get(`/api/v1/reports/annual-survey/${YEAR}`)
        .set('Authorization', `Bearer ${token}`)
        .expect(200)
    ).body as AnnualSurveyReport;
    const generated = latest.body as AnnualSurveyReport;
    expect(generated.schools.map((s) => s.schoolUrn)).toEqual(live.schools.map((s) => s.schoolUrn));
    expect(generated.ab).toEqual(live.ab);
  });

  it('lists respondents (CSV too) and sends reminders as a job', async () => {
    const list = await t.http
      .get(`/api/v1/surveys/${YEAR}/respondents`)
      .query({ responded: 'false', pageSize: 5 })
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(
      (list.body as { items: { respondedOn: string | null }[] }).items.every((r) => r.respondedOn === null),
    ).toBe(true);
    const csv = await t.http
      .get(`/api/v1/surveys/${YEAR}/respondents`)
      .set('Authorization', `Bearer ${token}`)
      .set('Accept', 'text/csv')
      .expect(200);
    expect(csv.text.split('\n')[0]).toBe(
      'School URN,School,Role,Invited on,Link expires on,Reminders sent,Responded on',
    );
    const remind = await t.http
      .post(`/api/v1/surveys/${YEAR}/reminders`)
      .set('Authorization', `Bearer ${token}`)
      .expect(202);
    expect(remind.body).toMatchObject({ added: true });
    const tutor = await t.token('induction_tutor', ['999001']);
    await t.http
      .post(`/api/v1/surveys/${YEAR}/reminders`)
      .set('Authorization', `Bearer ${tutor}`)
      .expect(403);
  });
  it('web: the personal link opens the survey form; errors follow the GOV.UK pattern; the report page shows charts', async () => {
    const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const secret = t.ledger.runtime.config.apiTokenSecret;
    const [waiting] = await q<{ school_urn: string; role: string }>(
      `SELECT school_urn, role FROM survey_invitations WHERE year = $1 AND responded_on IS NULL AND expires_on >= $2
        ORDER BY 1, 2 LIMIT 1`,
      [YEAR, TODAY],
    );
    const link = surveyToken(secret, invitationIdOf(YEAR, waiting!.school_urn, waiting!.role));
    const browser = request.agent(t.app.getHttpServer());
    const form = await browser.get(`/survey/${link}`).expect(200);
    expect(form.text).toContain('Send response');
    const invalid = await browser
      .post(`/survey/${link}`)
      .type('form')
      .send({ _csrf: csrfOf(form.text), 'q-overall': '4' })
      .expect(400);
    expect(invalid.text).toContain('There is a problem');
    expect(invalid.text).toContain('Select a rating for: How useful is the AB advice you receive?');
    const sent = await browser
      .post(`/survey/${link}`)
      .type('form')
      .send({
        _csrf: csrfOf(invalid.text),
        'q-overall': '4',
        'q-advice': '3',
        'q-training': '5',
        'q-sla-clear': 'yes',
        'q-recommend': 'no',
        'q-improve': 'Clearer deadlines by email',
      })
      .expect(200);
    expect(sent.text).toContain('Response sent');
    // The page after a form waits (bounded) for the read models; on a busy machine, allow a little longer.
    let again = await browser.get(`/survey/${link}`);
    for (let i = 0; i < 100 && again.status === 200; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      again = await browser.get(`/survey/${link}`);
    }
    expect(again.status).toBe(404);
    expect(again.text).toContain('A response has already been sent with this link');
    await browser.get('/survey/not-a-real-link-at-all-0000000').expect(404);

    const staff = request.agent(t.app.getHttpServer());
    const signIn = await staff.get('/sign-in').expect(200);
    await staff
      .post('/sign-in/dev')
      .type('form')
      .send({ _csrf: csrfOf(signIn.text), role: 'hub_staff' })
      .expect(303);
    const page = await staff.get(`/reports/annual-survey/${YEAR}`).expect(200);
    expect(page.text).toContain('data:image/svg+xml;base64,');
    expect(page.text).toContain('Download the report (PDF)');
    await staff.get('/surveys').expect(303).expect('Location', `/surveys/${YEAR}`);
    const admin = await staff.get(`/surveys/${YEAR}`).expect(200);
    expect(admin.text).toContain('Respondents');
    const pdf = await staff
      .get(`/reports/annual-survey/${YEAR}/report.pdf`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect((pdf.body as Buffer).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const csv = await staff.get(`/reports/annual-survey/${YEAR}/themes.csv`).expect(200);
    expect(csv.text.split('\n')[0]).toBe('scope,theme,keywords,comments');
  });
  it('a rebuild of the survey and service-record read models gives the same rows as the live run', async () => {
    const snapshot = async () => ({
      invitations: await q(`SELECT * FROM survey_invitations ORDER BY invitation_id`),
      responses: await q(`SELECT * FROM survey_responses ORDER BY invitation_id`),
      sessions: await q(`SELECT * FROM service_sessions ORDER BY school_urn, session_id`),
      reviews: await q(`SELECT * FROM service_sla_reviews ORDER BY school_urn, sla_id, commitment_id, year`),
    });
    const live = await snapshot();
    for (const name of ['annual-survey', 'school-service']) {
      const projection = t.ledger.projections.find((p) => p.name === name)!;
      await rebuildProjection(t.ledger.runtime.dataSource, t.ledger.runtime.eventStore, projection);
    }
    expect(await snapshot()).toEqual(live);
  });
});
