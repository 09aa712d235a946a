import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestLedger, type TestLedger } from '../support/test-ledger.js';

/**
 * GET /ects keeps its total per read-model version (apps/api/src/http/checkpointed-counts.ts): a total is
 * reused only while the register's checkpoint has not moved, so every registration the projection applies
 * shows in the next total, for every filter and scope.
 */
const SCHOOL = { urn: '210001', name: 'Cedar Primary', phase: 'primary', localAuthority: 'Norfolk' };
const OTHER = { urn: '210002', name: 'Damson Academy', phase: 'secondary', localAuthority: 'Suffolk' };

const ect = (n: number, schoolUrn: string) => ({
  trn: String(3100000 + n),
  firstName: 'Pat',
  lastName: `Total${n}`,
  dateOfBirth: '1998-04-12',
  email: `pat.${n}@cedar.example`,
  schoolUrn,
  qtsAwardedOn: '2025-07-15',
  startDate: '2026-01-05',
  fte: 1,
  programme: 'provider-led',
  mentor: { name: 'Sam Patel', email: 'sam.patel@cedar.example' },
  inductionTutor: { name: 'Jo Reed', email: 'jo.reed@cedar.example' },
});

describe('list totals follow the read model (kept per checkpoint version)', () => {
  let t: TestLedger;
  let hub: string;
  let tutor: string;

  beforeAll(async () => {
    t = await startTestLedger({ now: '2025-10-01T09:00:00Z' });
    hub = await t.token('hub_staff');
    tutor = await t.token('induction_tutor', [SCHOOL.urn]);
    for (const school of [SCHOOL, OTHER])
      await t.http.post('/api/v1/schools').set('Authorization', `Bearer ${hub}`).send(school).expect(201);
  });
  afterAll(async () => t?.close());

  const register = async (n: number, urn: string) =>
    (await t.http.post('/api/v1/ects').set('Authorization', `Bearer ${hub}`).send(ect(n, urn)).expect(201))
      .headers['x-log-position'] as string;
  const total = async (token: string, position: string, query = '') => {
    const response = await t.http
      .get(`/api/v1/ects${query}`)
      .set('Authorization', `Bearer ${token}`)
      .set('X-Min-Log-Position', position)
      .expect(200);
    expect(response.headers['x-read-model-stale']).toBeUndefined();
    return response.body.total as number;
  };

  it('counts each registration once the register has it, for each filter and scope, asked again and again', async () => {
    let position = await register(1, SCHOOL.urn);
    for (let i = 0; i < 2; i++) {
      expect(await total(hub, position)).toBe(1);
      expect(await total(tutor, position)).toBe(1);
      expect(await total(hub, position, `?schoolUrn=${OTHER.urn}`)).toBe(0);
    }
    position = await register(2, OTHER.urn);
    expect(await total(hub, position)).toBe(2);
    expect(await total(tutor, position)).toBe(1);
    expect(await total(hub, position, `?schoolUrn=${OTHER.urn}`)).toBe(1);
    position = await register(3, SCHOOL.urn);
    expect(await total(hub, position)).toBe(3);
    expect(await total(tutor, position)).toBe(2);
    // A page past the end (no rows, so no version read with it) still counts.
    expect(await total(hub, position, '?page=9')).toBe(3);
  });

  it('keeps a total while the register stands still: a row changed behind its back shows in the next total only once the checkpoint moves', async () => {
    let position = await register(4, OTHER.urn);
    const before = await total(hub, position, `?schoolUrn=${OTHER.urn}`);
    // Not something the service does: a test-only change to the table, which leaves the checkpoint alone.
    await t.ledger.runtime.dataSource.query(`UPDATE ects SET phase = 'unregistered' WHERE trn = $1`, [
      ect(4, OTHER.urn).trn,
    ]);
    expect(await total(hub, position, `?schoolUrn=${OTHER.urn}`)).toBe(before);
    position = await register(5, SCHOOL.urn); // any batch the register applies is a new version
    expect(await total(hub, position, `?schoolUrn=${OTHER.urn}`)).toBe(before - 1);
  });

  it('pages through ECTs of the same name in one order, each ECT once: last name, first name, then id', async () => {
    let position = '';
    for (let n = 10; n < 17; n++) {
      const same = { ...ect(n, SCHOOL.urn), lastName: n % 3 === 0 ? 'Aardvark' : 'Aaron', firstName: 'Sam' };
      position = (
        await t.http.post('/api/v1/ects').set('Authorization', `Bearer ${hub}`).send(same).expect(201)
      ).headers['x-log-position'] as string;
    }
    const page = async (n: number) =>
      (
        await t.http
          .get(`/api/v1/ects?schoolUrn=${SCHOOL.urn}&pageSize=2&page=${n}`)
          .set('Authorization', `Bearer ${hub}`)
          .set('X-Min-Log-Position', position)
          .expect(200)
      ).body as { items: { id: string; lastName: string; firstName: string }[]; total: number };
    const first = await page(1);
    const pages = [first, ...(await Promise.all([2, 3, 4, 5].map(page)))];
    const seen = pages.flatMap((p) => p.items);
    expect(seen).toHaveLength(first.total);
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    const key = (e: { id: string; lastName: string; firstName: string }) => [e.lastName, e.firstName, e.id];
    const sorted = [...seen].sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
      return 0;
    });
    expect(seen.map((e) => e.id)).toEqual(sorted.map((e) => e.id));
    expect(seen.slice(0, 2).map((e) => e.lastName)).toEqual(['Aardvark', 'Aardvark']);
  });
});
