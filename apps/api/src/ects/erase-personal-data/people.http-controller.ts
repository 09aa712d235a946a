import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/auth.decorators.js';
import { CommandCtx, type CommandContext } from '../../http/command-context.js';
import { ErasePersonalDataCommand } from './erase-personal-data.handler.js';
import { ErasePersonalDataRequestDto } from './erase-personal-data.request.dto.js';

@ApiTags('People')
@ApiBearerAuth()
@Controller('people')
export class PeopleHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':subjectId/erasure')
  @HttpCode(200)
  @Roles('hub_staff')
  @ApiOperation({
    summary: 'Erase a person’s personal data (R23 crypto-shredding), once requested on an ECT’s record',
  })
  erase(
    @Param('subjectId') subjectId: string,
    @Body() body: ErasePersonalDataRequestDto,
    @CommandCtx() context: CommandContext,
  ) {
    return this.commands.execute(new ErasePersonalDataCommand(subjectId, body, context));
  }
}
