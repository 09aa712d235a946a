import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import ical, { type ICalCalendar } from 'ical-generator';
import {
  loadTraining,
  PlanEctEntity,
  type PlanEctRow,
  type PlanEntry,
  planEntries,
} from '#read-models/plans/induction-plan.projection.js';
import { canSeeSchool, type Principal } from '../auth/principal.js';

export interface PlanView {
  scope: { ectId?: string; schoolUrn?: string };
  ects: {
    ectId: string;
    name: string | null;
    mentorId: string | null;
    mentorName: string | null;
    fte: number | null;
    startDate: string | null;
    yearTwoFrom: string | null;
    expectedEnd: string | null;
  }[];
  entries: PlanEntry[];
}

/** The induction plan for one ECT or a whole school, as JSON, CSV or iCalendar. */
@Injectable()
export class PlanQueries {
  constructor(private readonly dataSource: DataSource) {}

  /** `manager`: the live tables, or an as-at replay's (plan and training tables; the same query either way). */
  async forEct(
    principal: Principal,
    ectId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<PlanView> {
    const row = await manager.getRepository(PlanEctEntity).findOne({ where: { ectId } });
    if (!row || !row.schoolUrn || !canSeeSchool(principal, row.schoolUrn))
      throw new NotFoundException([`No ECT with id ${ectId}`]);
    return this.view({ ectId }, [row], manager);
  }

  async forSchool(
    principal: Principal,
    schoolUrn: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<PlanView> {
    if (!canSeeSchool(principal, schoolUrn)) throw new NotFoundException([`No school with URN ${schoolUrn}`]);
    const rows = await manager
      .getRepository(PlanEctEntity)
      .createQueryBuilder('p')
      .where('p.school_urn = :schoolUrn', { schoolUrn })
      .andWhere("p.phase IN ('open', 'awaiting-decision')")
      .orderBy('p.ect_name', 'ASC', 'NULLS LAST')
      .addOrderBy('p.ect_id', 'ASC')
      .getMany();
    return this.view({ schoolUrn }, rows, manager);
  }

  private async view(
    scope: PlanView['scope'],
    rows: PlanEctRow[],
    manager: EntityManager,
  ): Promise<PlanView> {
    const { training, allocations } = await loadTraining(
      manager,
      rows.map((r) => r.ectId),
    );
    const seen = new Set<string>();
    const entries: PlanEntry[] = [];
    for (const row of rows)
      for (const entry of planEntries(row, training, allocations))
        if (!seen.has(entry.uid)) {
          seen.add(entry.uid);
          entries.push(entry);
        }
    entries.sort((a, b) => a.date.localeCompare(b.date) || a.uid.localeCompare(b.uid));
    return {
      scope,
      ects: rows.map((r) => ({
        ectId: r.ectId,
        name: r.ectName,
        mentorId: r.mentorId,
        mentorName: r.mentorName,
        fte: r.fte,
        startDate: r.startDate,
        yearTwoFrom: r.yearTwoFrom,
        expectedEnd: r.expectedEnd,
      })),
      entries,
    };
  }
}

/** iCalendar (RFC 5545) of a plan: one all-day (or timed) event per entry, UIDs stable across downloads. */
export function planCalendar(plan: PlanView, name: string, stamp: Date): ICalCalendar {
  const calendar = ical({
    name,
    prodId: { company: 'Induction Ledger', product: 'induction-plan', language: 'EN' },
  });
  for (const entry of plan.entries) {
    const who = entry.personName
      ? `${entry.personName} (${entry.who === 'ect' ? 'ECT' : 'mentor'})`
      : entry.who;
    const timed = entry.startTime !== null && entry.endTime !== null;
    const [y, m, d] = entry.date.split('-').map(Number) as [number, number, number];
    const at = (time: string) => {
      const [h, min] = time.split(':').map(Number) as [number, number];
      return new Date(Date.UTC(y, m - 1, d, h - londonOffsetHours(y, m, d), min));
    };
    calendar.createEvent({
      id: `${entry.uid}@induction-ledger`,
      stamp,
      start: timed ? at(entry.startTime!) : new Date(Date.UTC(y, m - 1, d)),
      end: timed ? at(entry.endTime!) : new Date(Date.UTC(y, m - 1, d + 1)),
      allDay: !timed,
      summary: `${entry.title}: ${who}`,
      description:
        [
          entry.opensOn ? `From ${entry.opensOn}, due by ${entry.date}` : null,
          entry.optional ? 'Optional' : null,
          entry.done ? 'Done' : null,
        ]
          .filter(Boolean)
          .join('\n') || null,
      location: entry.location,
    });
  }
  return calendar;
}

const londonHour = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hour: '2-digit',
  hourCycle: 'h23',
});
/** Hours England is ahead of UTC on that date (0 in winter, 1 in summer time), for event times given locally. */
function londonOffsetHours(y: number, m: number, d: number): number {
  return Number(londonHour.format(new Date(Date.UTC(y, m - 1, d, 12)))) - 12;
}
