import {
  Body,
  Controller,
  ForbiddenException,
  Get,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { SchoolEntity } from '#read-models/schools/school-directory.projection.js';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators.js';
import { canSeeSchool, schoolScope, type Principal } from '../auth/principal.js';
import { CommandCtx, type CommandContext } from '../http/command-context.js';
import { pageBounds, setPageLinks } from '../http/pagination.js';
import { AsAtReplays } from '../audit/as-at-replays.js';
import { ListSchoolsQueryDto, SchoolQueryDto } from './schools.query.dto.js';
import { AddSchoolCommand } from './add-school/add-school.handler.js';
import { AddSchoolRequestDto } from './add-school/add-school.request.dto.js';
import { NameSchoolContactCommand } from './name-school-contact/name-school-contact.handler.js';
import { NameSchoolContactRequestDto } from './name-school-contact/name-school-contact.request.dto.js';

@ApiTags('Schools')
@ApiBearerAuth()
@Controller('schools')
export class SchoolsHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly asAt: AsAtReplays,
  ) {}

  @Post()
  @Roles('hub_staff')
  @ApiOperation({ summary: "Add a school to the AB's register" })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  add(@Body() body: AddSchoolRequestDto, @CommandCtx() context: CommandContext) {
    return this.commands.execute(new AddSchoolCommand(body, context));
  }

  @Post(':urn/contacts')
  @Roles('hub_staff', 'induction_tutor')
  @ApiOperation({ summary: 'Name the school’s head, an induction tutor or a mentor' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader({ name: 'If-Match', required: false })
  nameContact(
    @CurrentPrincipal() principal: Principal,
    @Param('urn') urn: string,
    @Body() body: NameSchoolContactRequestDto,
    @CommandCtx() context: CommandContext,
  ) {
    if (!/^\d{6}$/.test(urn)) throw new NotFoundException([`No school with URN ${urn}`]);
    if (!canSeeSchool(principal, urn)) throw new ForbiddenException([`You cannot act for school ${urn}`]);
    return this.commands.execute(new NameSchoolContactCommand(urn, body, context));
  }

  @Get()
  @ApiOperation({
    summary: 'Schools on the register (an induction tutor sees their own); ?asAt= for the register then',
  })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListSchoolsQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { page, pageSize, skip } = pageBounds(query);
    const [rows, total] = await this.asAt.read(['school-directory'], query.asAt, ({ manager }) => {
      const qb = manager.getRepository(SchoolEntity).createQueryBuilder('s');
      const scope = schoolScope(principal);
      if (scope) qb.where('s.urn = ANY(:scope)', { scope });
      return qb.orderBy('s.name').addOrderBy('s.urn').skip(skip).take(pageSize).getManyAndCount();
    });
    const result = {
      items: rows.map(({ updatedAt: _u, revision: _r, ...school }) => school),
      page,
      pageSize,
      total,
    };
    setPageLinks(request, response, result);
    return result;
  }

  @Get(':urn')
  @ApiOperation({ summary: 'One school; ?asAt= for the school as the register had it then' })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('urn') urn: string,
    @Query() query: SchoolQueryDto,
  ) {
    const missing = () => new NotFoundException([`No school with URN ${urn}`]);
    if (!/^\d{6}$/.test(urn) || !canSeeSchool(principal, urn)) throw missing();
    const row = await this.asAt.read(['school-directory'], query.asAt, ({ manager }) =>
      manager.getRepository(SchoolEntity).findOne({ where: { urn } }),
    );
    if (!row) throw missing();
    const { updatedAt: _u, revision: _r, ...school } = row;
    return school;
  }
}
