import { Body, Controller, ForbiddenException, Inject, Post } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '#platform/config/app-config.js';
import { Public } from '../auth/auth.decorators.js';
import { ApiTokenService } from '../auth/api-token.service.js';
import { ROLES, type Role } from '../auth/principal.js';

export class IssueDevTokenRequestDto {
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: `role must be one of: ${ROLES.join(', ')}` })
  role!: Role;

  @ApiPropertyOptional({ type: [String], example: ['123456'], description: 'Required for induction_tutor' })
  @IsOptional()
  @IsArray({ message: 'schoolUrns must be a list of 6-digit URNs' })
  @ArrayMaxSize(50, { message: 'schoolUrns may list at most 50 schools' })
  @Matches(/^\d{6}$/, { each: true, message: 'schoolUrns must each be 6 digits, like 123456' })
  schoolUrns?: string[];

  @ApiPropertyOptional({ example: 'Dev tutor' })
  @IsOptional()
  @IsString({ message: 'name must be text' })
  @MaxLength(100, { message: 'name must be 100 characters or fewer' })
  name?: string;
}

/** `POST /api/v1/dev/tokens` (api.md): API tokens for development and tests. Never in production. */
@ApiTags('Development')
@Controller('dev/tokens')
export class DevTokensHttpController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tokens: ApiTokenService,
  ) {}

  @Post()
  @Public()
  @ApiOperation({ summary: 'Issue a development API token (not available in production)' })
  async issue(@Body() body: IssueDevTokenRequestDto) {
    if (this.config.isProduction)
      throw new ForbiddenException(['Development tokens are not issued in production']);
    const schoolUrns = body.role === 'induction_tutor' ? (body.schoolUrns ?? []) : [];
    if (body.role === 'induction_tutor' && schoolUrns.length === 0) {
      throw new ForbiddenException([
        'An induction_tutor token needs schoolUrns: the schools the tutor works for',
      ]);
    }
    const userId = `dev:${body.role}:${randomUUID()}`;
    return this.tokens.issue({
      userId,
      role: body.role,
      schoolUrns,
      name: body.name ?? `Dev ${body.role.replace('_', ' ')}`,
    });
  }
}
