import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { inductionYearFromSchedule } from '#induction/early-help/ect-schedule.js';
import {
  type GroupPhase,
  suggestPhaseGroups,
  type TrainingEvent,
} from '#induction/training/training-programme.decider.js';
import { PlanEctEntity } from '#read-models/plans/induction-plan.projection.js';
import { SchoolEntity } from '#read-models/schools/school-directory.projection.js';
import {
  TrainingAllocationEntity,
  TrainingAttendanceEntity,
  TrainingEventEntity,
  TrainingGroupEntity,
  type TrainingAttendanceRow,
} from '#read-models/training/training-programme.projection.js';
import { LEDGER_DOMAIN, type LedgerDomain } from '../domain/ledger-domain.js';
import { pageBounds, type Page, type PageQueryDto } from '../http/pagination.js';

/** A school's phase (register) → the phase group its year-1 ECTs train in. */
const GROUP_PHASE: Record<string, GroupPhase> = {
  nursery: 'early-years',
  primary: 'primary',
  middle: 'secondary',
  secondary: 'secondary',
  'all-through': 'all-through',
  special: 'special',
  'alternative-provision': 'special',
  'sixteen-plus': 'secondary',
};

export interface TrainingGroupView {
  groupId: string;
  name: string;
  phase: string;
  facilitatorId: string;
  facilitatorName: string | null;
  formedOn: string;
  size: number;
  ectIds: string[];
}
export interface YearOneEct {
  ectId: string;
  ectName: string | null;
  schoolUrn: string | null;
  phase: GroupPhase;
  groupId: string | null;
}
export interface Participant {
  participantId: string;
  role: 'ect' | 'mentor';
  name: string | null;
  schoolUrn: string | null;
  attended: boolean | null;
}
export interface SuggestedGroupView {
  suggestedGroupId: string;
  name: string;
  phase: GroupPhase;
  ects: YearOneEct[];
}

const PHASE_NAMES: Record<GroupPhase, string> = {
  primary: 'Primary',
  secondary: 'Secondary',
  special: 'Special',
  'early-years': 'Early years',
  'all-through': 'All-through',
};

@Injectable()
export class TrainingQueries {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(LEDGER_DOMAIN) private readonly domain: LedgerDomain,
  ) {}

  async events(
    year: number,
    query: PageQueryDto & { kind?: string; groupId?: string },
  ): Promise<Page<TrainingEvent>> {
    const { page, pageSize, skip } = pageBounds(query);
    const qb = this.dataSource
      .getRepository(TrainingEventEntity)
      .createQueryBuilder('e')
      .where('e.academic_year = :year', { year });
    if (query.kind) qb.andWhere('e.kind = :kind', { kind: query.kind });
    if (query.groupId) qb.andWhere('e.group_id = :groupId', { groupId: query.groupId });
    const [rows, total] = await qb
      .orderBy('e.date')
      .addOrderBy('e.event_id')
      .skip(skip)
      .take(pageSize)
      .getManyAndCount();
    return { items: rows.map((r) => r.event), page, pageSize, total };
  }

  async groups(year: number, query: PageQueryDto): Promise<Page<TrainingGroupView>> {
    const { page, pageSize, skip } = pageBounds(query);
    const [rows, total] = await this.dataSource
      .getRepository(TrainingGroupEntity)
      .createQueryBuilder('g')
      .where('g.academic_year = :year', { year })
      .orderBy('g.phase')
      .addOrderBy('g.group_id')
      .skip(skip)
      .take(pageSize)
      .getManyAndCount();
    const allocations = await this.dataSource
      .getRepository(TrainingAllocationEntity)
      .find({ where: { academicYear: year }, order: { ectId: 'ASC' } });
    const items = rows.map(({ academicYear: _y, ...g }) => {
      const ectIds = allocations.filter((a) => a.groupId === g.groupId).map((a) => a.ectId);
      return { ...g, size: ectIds.length, ectIds };
    });
    return { items, page, pageSize, total };
  }

  /** Open ECTs in induction year 1 at the later of the year's first day and their own start. */
  async yearOneEcts(year: number): Promise<YearOneEct[]> {
    const terms = this.domain.calendar.academicYearTerms(year);
    const [ects, schools, allocations] = await Promise.all([
      this.dataSource.getRepository(PlanEctEntity).find({
        select: {
          ectId: true,
          ectName: true,
          schoolUrn: true,
          phase: true,
          startDate: true,
          yearTwoFrom: true,
        },
        order: { ectId: 'ASC' },
      }),
      this.dataSource.getRepository(SchoolEntity).find(),
      this.dataSource.getRepository(TrainingAllocationEntity).find({ where: { academicYear: year } }),
    ]);
    const phaseOf = new Map(schools.map((s) => [s.urn, GROUP_PHASE[s.phase] ?? 'primary']));
    const groupOf = new Map(allocations.map((a) => [a.ectId, a.groupId]));
    return ects
      .filter((e) => e.phase === 'open' || e.phase === 'awaiting-decision')
      .filter((e) => e.startDate !== null && e.startDate <= terms.summer.end)
      .filter((e) => {
        const from = e.startDate! > terms.autumn.start ? e.startDate! : terms.autumn.start;
        return inductionYearFromSchedule(e, from) === 1;
      })
      .map((e) => ({
        ectId: e.ectId,
        ectName: e.ectName,
        schoolUrn: e.schoolUrn,
        phase: phaseOf.get(e.schoolUrn ?? '') ?? 'primary',
        groupId: groupOf.get(e.ectId) ?? null,
      }));
  }

  /** The service's suggestion: by phase, groups of about 20 (the domain's `suggestPhaseGroups`). */
  async suggestion(year: number): Promise<{ groups: SuggestedGroupView[]; ects: number }> {
    const ects = await this.yearOneEcts(year);
    const byId = new Map(ects.map((e) => [e.ectId, e]));
    const groups = suggestPhaseGroups(ects.map((e) => ({ ectId: e.ectId, phase: e.phase }))).map((g) => ({
      suggestedGroupId: `${g.phase}-${g.index}`,
      name: `${PHASE_NAMES[g.phase]} group ${g.index}`,
      phase: g.phase,
      ects: g.ectIds.map((id) => byId.get(id)!),
    }));
    return { groups, ects: ects.length };
  }

  async attendance(
    year: number,
    query: PageQueryDto & { eventId?: string; participantId?: string },
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Page<Omit<TrainingAttendanceRow, 'academicYear'>>> {
    const { page, pageSize, skip } = pageBounds(query);
    const qb = manager
      .getRepository(TrainingAttendanceEntity)
      .createQueryBuilder('a')
      .where('a.academic_year = :year', { year });
    if (query.eventId) qb.andWhere('a.event_id = :eventId', { eventId: query.eventId });
    if (query.participantId)
      qb.andWhere('a.participant_id = :participantId', { participantId: query.participantId.toLowerCase() });
    const [rows, total] = await qb
      .orderBy('a.event_id')
      .addOrderBy('a.participant_id')
      .skip(skip)
      .take(pageSize)
      .getManyAndCount();
    return { items: rows.map(({ academicYear: _y, ...r }) => r), page, pageSize, total };
  }

  /** Who an event is for (ECTs in the audience's induction year, of its group; their mentors), with attendance. */
  async participants(
    year: number,
    eventId: string,
  ): Promise<{ event: TrainingEvent; people: Participant[] } | null> {
    const row = await this.dataSource
      .getRepository(TrainingEventEntity)
      .findOne({ where: { academicYear: year, eventId } });
    if (!row) return null;
    const event = row.event;
    const [ects, allocations, attendance] = await Promise.all([
      this.dataSource.getRepository(PlanEctEntity).find({
        select: {
          ectId: true,
          ectName: true,
          schoolUrn: true,
          phase: true,
          startDate: true,
          yearTwoFrom: true,
          expectedEnd: true,
          mentorId: true,
          mentorName: true,
        },
        order: { ectName: 'ASC', ectId: 'ASC' },
      }),
      this.dataSource.getRepository(TrainingAllocationEntity).find({ where: { academicYear: year } }),
      this.dataSource
        .getRepository(TrainingAttendanceEntity)
        .find({ where: { academicYear: year, eventId } }),
    ]);
    const groupOf = new Map(allocations.map((a) => [a.ectId, a.groupId]));
    const attended = new Map(attendance.map((a) => [a.participantId, a.attended]));
    const people: Participant[] = [];
    const mentors = new Set<string>();
    for (const e of ects) {
      if (e.phase !== 'open' && e.phase !== 'awaiting-decision') continue;
      if (e.startDate === null || e.startDate > event.date) continue;
      const inductionYear = inductionYearFromSchedule(e, event.date);
      const inGroup = event.groupId === null || groupOf.get(e.ectId) === event.groupId;
      if (event.audiences.includes(`ect-year-${inductionYear}`) && inGroup)
        people.push({
          participantId: e.ectId,
          role: 'ect',
          name: e.ectName,
          schoolUrn: e.schoolUrn,
          attended: attended.get(e.ectId) ?? null,
        });
      if (
        e.mentorId &&
        !mentors.has(e.mentorId) &&
        event.audiences.includes(`mentor-year-${inductionYear}`)
      ) {
        mentors.add(e.mentorId);
        people.push({
          participantId: e.mentorId,
          role: 'mentor',
          name: e.mentorName,
          schoolUrn: e.schoolUrn,
          attended: attended.get(e.mentorId) ?? null,
        });
      }
    }
    return { event, people };
  }
}
