import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DomainError } from '../shared/domain-error.js';
import { panelMeetingDecider as decider, type PanelCommand } from './panel-meeting.decider.js';

const member = (n: number, schoolUrn: string | null = null) => ({
  personId: `00000000-0000-4000-8000-00000000000${n}`,
  name: `Member ${n}`,
  schoolUrn,
});
const schedule: PanelCommand = {
  type: 'SchedulePanelMeeting',
  data: {
    meetingId: 'm1',
    heldOn: '2026-07-01',
    members: [member(1), member(2), member(3, '123456'), member(4)],
    on: '2026-06-01',
  },
};
const scheduled = decider
  .decide(schedule, decider.initialState())
  .reduce(decider.evolve, decider.initialState());
const decide = (present: number[], dissent: { personId: string; reason: string }[] = []): PanelCommand => ({
  type: 'RecordPanelDecision',
  data: {
    ectId: 'e1',
    ectSchoolUrns: ['123456'],
    decision: 'pass',
    rationale: 'Standards met throughout',
    present: present.map((n) => member(n).personId),
    dissent,
    on: '2026-07-01',
  },
});
const refusal = (command: PanelCommand) => {
  try {
    decider.decide(command, scheduled);
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected a refusal');
};

describe('AB panel meeting', () => {
  it('defaults the quorum to 3 and keeps members’ names under personal', () => {
    const [event] = decider.decide(schedule, decider.initialState());
    expect(event!.type).toBe('PanelMeetingScheduled');
    expect((event!.data as { quorum: number }).quorum).toBe(3);
    expect(JSON.stringify({ ...event!.data, personal: undefined })).not.toContain('Member 1');
  });
  it('R21: refuses a decision with a member present from the ECT’s school', () => {
    const error = refusal(decide([1, 2, 3]));
    expect(error.kind).toBe('statutory');
    expect(error.message).toMatch(/^R21:/);
  });
  it('refuses a decision without a quorum', () => {
    expect(refusal(decide([1, 2])).message).toMatch(/quorum/);
  });
  it('records the decision with its rationale and any dissent', () => {
    const [event] = decider.decide(
      decide([1, 2, 4], [{ personId: member(4).personId, reason: 'Would extend' }]),
      scheduled,
    );
    expect(event!.data).toMatchObject({
      decision: 'pass',
      present: [member(1).personId, member(2).personId, member(4).personId],
    });
    expect((event!.data as { dissent: unknown[] }).dissent).toHaveLength(1);
  });
  it('needs a majority of those present', () => {
    const dissent = [1, 2].map((n) => ({ personId: member(n).personId, reason: 'No' }));
    expect(refusal(decide([1, 2, 4], dissent)).message).toMatch(/majority/);
  });
  it('adds members later, who then count towards the quorum, and refuses a member twice', () => {
    const added = decider.decide(
      { type: 'AddPanelMembers', data: { members: [member(5)], on: '2026-06-10' } },
      scheduled,
    );
    expect(added[0]!.type).toBe('PanelMembersAdded');
    const state = added.reduce(decider.evolve, scheduled);
    expect(decider.decide(decide([1, 2, 5]), state)[0]!.type).toBe('PanelDecisionRecorded');
    expect(() =>
      decider.decide({ type: 'AddPanelMembers', data: { members: [member(1)], on: '2026-06-10' } }, state),
    ).toThrow(DomainError);
  });
  it('R21 property: any decision with a present member from one of the ECT’s schools is refused', () => {
    const urns = ['100001', '100002', '100003'];
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.constantFrom(...urns), { nil: null }), { minLength: 3, maxLength: 8 }),
        fc.subarray(urns),
        (schools, ectSchools) => {
          const members = schools.map((urn, i) => ({
            personId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
            name: `M${i}`,
            schoolUrn: urn,
          }));
          const state = decider
            .decide(
              {
                type: 'SchedulePanelMeeting',
                data: { meetingId: 'p', heldOn: '2026-07-01', members, on: '2026-06-01' },
              },
              decider.initialState(),
            )
            .reduce(decider.evolve, decider.initialState());
          const command: PanelCommand = {
            type: 'RecordPanelDecision',
            data: {
              ectId: 'e',
              ectSchoolUrns: ectSchools,
              decision: 'fail',
              rationale: 'r',
              present: members.map((m) => m.personId),
              on: '2026-07-01',
            },
          };
          const conflicted = members.some((m) => m.schoolUrn !== null && ectSchools.includes(m.schoolUrn));
          try {
            decider.decide(command, state);
            expect(conflicted).toBe(false);
          } catch (error) {
            expect(conflicted).toBe(true);
            expect((error as DomainError).message).toMatch(/^R21:/);
          }
        },
      ),
    );
  });
});
