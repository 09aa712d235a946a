import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Clock, londonDate } from '#platform/clock/clock.js';
import {
  buildAnnualSurveyReport,
  type AnnualSurveyReport,
} from '#read-models/survey/annual-survey-report.js';
import { schoolScope, type Principal } from '../auth/principal.js';
import { CLOCK } from '../domain/clock.token.js';
import { AsAtReplays, type AsAtProjection } from '../audit/as-at-replays.js';

/** Every projection whose tables `buildAnnualSurveyReport` reads: an as-at report replays them all. */
export const REPORT_PROJECTIONS: readonly AsAtProjection[] = [
  'annual-survey',
  'school-directory',
  'ect-register',
  'entitlement-view',
  'early-help-queue',
  'moderation-sample',
  'training-programme',
  'school-service',
];

/** The report, built live from the read models or taken from the newest run of the generation job. */
@Injectable()
export class AnnualSurveyReportService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly asAt: AsAtReplays,
  ) {}

  today(): string {
    return londonDate(this.clock.now());
  }

  async report(
    principal: Principal,
    year: number,
    options: { school?: string | undefined; run?: string | undefined; asAt?: string | undefined } = {},
  ): Promise<AnnualSurveyReport> {
    let report: AnnualSurveyReport | null;
    if (options.run === 'latest') {
      if (options.asAt !== undefined)
        throw new BadRequestException([
          'asAt cannot be combined with run=latest: a generated run is as at the day it was made',
        ]);
      const present = (await this.dataSource.query(
        `SELECT to_regclass('annual_survey_report_runs') IS NOT NULL AS p`,
      )) as {
        p: boolean;
      }[];
      const [row] = present[0]?.p
        ? ((await this.dataSource.query(
            `SELECT report FROM annual_survey_report_runs WHERE year = $1 ORDER BY generated_at DESC LIMIT 1`,
            [year],
          )) as { report: AnnualSurveyReport }[])
        : [];
      if (!row)
        throw new NotFoundException([
          `No generated report for ${year} yet: start one with POST .../generations`,
        ]);
      report = row.report;
    } else {
      // With ?asAt= the report is built from a replay of the log up to then, "today" being the as-at date:
      // the figures known at that time (docs/audit.md). Without it, the same build on the live tables.
      report = await this.asAt.read(REPORT_PROJECTIONS, options.asAt, (view) =>
        buildAnnualSurveyReport(view.manager, year, view.today),
      );
    }
    if (report === null) throw new NotFoundException([`No survey is defined for ${year}`]);
    const scope = schoolScope(principal);
    const schools = report.schools.filter(
      (s) =>
        (scope === undefined || scope.includes(s.schoolUrn)) &&
        (!options.school || s.schoolUrn === options.school),
    );
    if (options.school && schools.length === 0)
      throw new NotFoundException([`No school with URN ${options.school}`]);
    return { ...report, schools };
  }
}
