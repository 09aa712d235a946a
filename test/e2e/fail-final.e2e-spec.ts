import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ReadModelFreshness } from '#read-models/runner/read-model-freshness.js';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';

/**
 * R18 (2.71–2.73) through the API and the nightly sweep: a fail becomes final when the 20 working days to
 * appeal close with no appeal (the sweep appends `FailBecameFinal`, which the domain evolves) or when the
 * appeal is dismissed; `GET /ects/:id` shows when, and when employment must end by. Also R16: the decision
 * deadline counts from the AB's receipt of the recommendation, not from the assessment meeting.
 */
const SCHOOL = { urn: '240001', name: 'Hazel Primary', phase: 'primary', localAuthority: 'Kent' };
const ALL_NOT_MET = Object.fromEntries(
  ['TS1', 'TS2', 'TS3', 'TS4', 'TS5', 'TS6', 'TS7', 'TS8', 'PartTwo'].map((s) => [s, 'not-met']),
);
const signed = (date: string) => ({ inductionTutor: date, head: date, ect: date });
const registration = (trn: string) => ({
  trn,
  firstName: 'Fay',
  lastName: `Final${trn}`,
  dateOfBirth: '1999-01-01',
  email: `ect${trn}@hazel.example`,
  schoolUrn: SCHOOL.urn,
  qtsAwardedOn: '2025-07-15',
  startDate: '2025-09-01',
  fte: 1,
  programme: 'provider-led',
  mentor: { name: 'Max Mentor', email: 'max.mentor@hazel.example', hasQts: true },
  inductionTutor: { name: 'Tess Tutor', email: 'tess.tutor@hazel.example', hasQts: true },
});
const assessment = (point: 'year-1' | 'final', assessedOn: string, recommendation: string) => ({
  point,
  assessedOn,
  assessor: { role: 'induction-tutor', email: 'tess.tutor@hazel.example' },
  standards: ALL_NOT_MET,
  recommendation,
  evidence: 'Observations, planning and pupil work',
  signedOn: signed(assessedOn),
});

describe('R18 FailBecameFinal through the API and the nightly sweep', () => {
  let t: TestLedger;
  let tutor: string;
  let panel: string;
  let hub: string;
  let position = '0';

  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const at = (date: string) => t.clock.set(`${date}T10:00:00Z`);
  async function post(token: string, path: string, body: object, status = 201) {
    const response = await t.http.post(`/api/v1${path}`).set(auth(token)).send(body);
    if (response.status !== status) {
      throw new Error(`POST ${path} → ${response.status} ${JSON.stringify(response.body)}`);
    }
    if (response.headers['x-log-position']) position = response.headers['x-log-position'] as string;
    return response;
  }
  /** Every projection past the last write (the sweep reads `due_items`), waiting longer than a read does. */
  async function settled() {
    const freshness = new ReadModelFreshness(t.ledger.runtime.dataSource, t.ledger.runtime.eventStore);
    const names = t.ledger.projections.map((p) => p.name);
    expect(await freshness.waitFor(BigInt(position), names, 60_000)).toBe(true);
  }
  const view = async (id: string) =>
    (await t.http.get(`/api/v1/ects/${id}`).set(auth(hub)).set('X-Min-Log-Position', position).expect(200))
      .body;

  /** An ECT through both assessments to a fail decided on 1 Sep 2027 (appeal window to 29 Sep). */
  async function failed(trn: string): Promise<string> {
    at('2025-08-20');
    const id = (await post(tutor, '/ects', registration(trn))).body.id as string;
    at('2026-07-06');
    await post(tutor, `/ects/${id}/assessments`, assessment('year-1', '2026-07-01', 'unsatisfactory'), 201);
    // Meeting on 16 August; the report (the head's recommendation) reaches the AB on 18 August.
    at('2027-08-18');
    await post(tutor, `/ects/${id}/assessments`, assessment('final', '2027-08-16', 'fail'));
    const awaiting = await view(id);
    // R16: 20 working days from receipt (18 Aug), the bank holiday of 30 Aug counted out.
    expect(awaiting.decision).toMatchObject({ outcome: null, decisionDueBy: '2027-09-16' });
    at('2027-09-01');
    await post(panel, `/ects/${id}/outcome`, {
      decision: 'fail',
      decidedOn: '2027-09-01',
      rationale: 'Standards not met',
    });
    return id;
  }

  beforeAll(async () => {
    t = await startTestLedger({ now: '2025-08-20T09:00:00Z' });
    hub = await t.token('hub_staff');
    tutor = await t.token('induction_tutor', [SCHOOL.urn]);
    panel = await t.token('panel_member');
    await post(hub, '/schools', SCHOOL);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('R18: the nightly sweep records the fail as final once the appeal window closes; GET shows it', async () => {
    const id = await failed('7200001');
    let ect = await view(id);
    expect(ect).toMatchObject({
      status: 'failed',
      decision: { outcome: 'fail', decisionDueBy: '2027-09-16', appealBy: '2027-09-29' },
    });
    expect(t.worker.jobs).not.toBeNull();

    // Still within the window: nothing is final, the sweep appends nothing.
    at('2027-09-29');
    await settled();
    expect((await view(id)).failFinalOn).toBeNull();
    await t.worker.jobs!.recordTimeFacts('2027-09-29');
    let events = await t.ledger.runtime.eventStore.readStream(`ect-${id}`);
    expect(events.filter((e) => e.type === 'FailBecameFinal')).toHaveLength(0);

    at('2027-10-04');
    await t.worker.jobs!.recordTimeFacts('2027-10-04');
    await t.worker.jobs!.recordTimeFacts('2027-10-05'); // idempotent: a second night appends nothing
    events = await t.ledger.runtime.eventStore.readStream(`ect-${id}`);
    const final = events.filter((e) => e.type === 'FailBecameFinal');
    expect(final.map((e) => e.data)).toEqual([
      {
        ectId: id,
        finalOn: '2027-09-29',
        appealBy: '2027-09-29',
        employmentEndsBy: '2027-10-13',
        recordedOn: '2027-10-04',
      },
    ]);
    position = final[0]!.globalPosition.toString();
    await settled();
    ect = await view(id);
    expect(ect).toMatchObject({
      status: 'failed',
      failFinalOn: '2027-09-29',
      employmentEndsBy: '2027-10-13',
    });
  });

  it('R18: a dismissed appeal makes the fail final on the day it is determined', async () => {
    const id = await failed('7200002');
    at('2027-09-10');
    await post(hub, `/ects/${id}/appeals`, { lodgedOn: '2027-09-10' });
    expect((await view(id)).failFinalOn).toBeNull();
    at('2027-11-02');
    await post(hub, `/ects/${id}/appeals/determination`, {
      outcome: 'dismissed',
      determinedOn: '2027-11-01',
    });
    const events = await t.ledger.runtime.eventStore.readStream(`ect-${id}`);
    expect(events.slice(-2).map((e) => e.type)).toEqual(['AppealDetermined', 'FailBecameFinal']);
    expect(await view(id)).toMatchObject({
      status: 'failed',
      failFinalOn: '2027-11-01',
      employmentEndsBy: '2027-11-15',
    });
  });
});
