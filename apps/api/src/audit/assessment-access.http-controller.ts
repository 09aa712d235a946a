import { Controller, Get, NotFoundException, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { EctEntity } from '#read-models/ects/ect-register.projection.js';
import { Roles } from '../auth/auth.decorators.js';
import { PageQueryDto, setPageLinks } from '../http/pagination.js';
import { parseEctId } from '../ects/shared/ect-id.js';
import { AssessmentAccessLog } from './assessment-access-log.js';

/** R23: who viewed an ECT's assessments, newest first. Hub staff only (the AB answers the ECT's request). */
@ApiTags('Audit')
@ApiBearerAuth()
@Controller('ects/:id/access-log')
export class AssessmentAccessHttpController {
  constructor(
    private readonly log: AssessmentAccessLog,
    private readonly dataSource: DataSource,
  ) {}

  @Get()
  @Roles('hub_staff')
  @ApiOperation({
    summary:
      'R23: who read this ECT’s reviews or assessments (user id, role, what, route, when, correlation id), paged',
  })
  async list(
    @Param('id') id: string,
    @Query() query: PageQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const ectId = parseEctId(id);
    const known = await this.dataSource.getRepository(EctEntity).exists({ where: { id: ectId } });
    if (!known) throw new NotFoundException([`No ECT with id ${ectId}`]);
    const page = await this.log.list(ectId, query);
    setPageLinks(request, response, page);
    return page;
  }
}
