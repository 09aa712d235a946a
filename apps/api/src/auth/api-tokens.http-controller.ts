import { BadRequestException, Body, Controller, Get, HttpCode, Logger, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import type { Response } from 'express';
import { CurrentPrincipal, Roles } from './auth.decorators.js';
import type { Principal } from './principal.js';
import { ApiTokenRevocations } from './token-revocations.js';

export class RevokeApiTokenRequestDto {
  @ApiPropertyOptional({ description: 'The token id (`tokenId` when it was issued; the JWT `jti`)' })
  @IsOptional()
  @IsUUID('4', { message: 'tokenId must be the token id given when it was issued (a UUID)' })
  tokenId?: string;

  @ApiPropertyOptional({ description: 'Revoke every token issued to this user until now (the JWT `sub`)' })
  @IsOptional()
  @IsString({ message: 'userId must be text' })
  @MinLength(1, { message: 'userId must not be empty' })
  @MaxLength(200, { message: 'userId must be 200 characters or fewer' })
  @Matches(/^[\x21-\x7e]+$/, { message: 'userId must be printable characters without spaces' })
  userId?: string;

  @ApiProperty({ example: 'Laptop stolen' })
  @IsString({ message: 'reason must be text' })
  @MinLength(1, { message: 'reason must say why the token is revoked' })
  @MaxLength(500, { message: 'reason must be 500 characters or fewer' })
  reason!: string;
}

/**
 * `POST /api/v1/api-tokens/revocations` (hub staff): a leaked API token, or all of a user's tokens, stop working
 * on the next request to any api instance. Each revocation records who, when and why.
 */
@ApiTags('API tokens')
@Controller('api-tokens/revocations')
export class ApiTokensHttpController {
  private readonly logger = new Logger('ApiTokens');

  constructor(private readonly revocations: ApiTokenRevocations) {}

  @Post()
  @Roles('hub_staff')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Revoke an API token by its id, or every token issued to a user until now (hub staff)',
  })
  async revoke(
    @Body() body: RevokeApiTokenRequestDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ) {
    if ((body.tokenId === undefined) === (body.userId === undefined)) {
      throw new BadRequestException(['Give exactly one of tokenId (one token) or userId (all their tokens)']);
    }
    const target = body.tokenId !== undefined ? { tokenId: body.tokenId } : { userId: body.userId! };
    const { revocation, created } = await this.revocations.revoke(target, principal.userId, body.reason);
    if (!created) response.status(200);
    this.logger.log(
      `API token revocation ${revocation.id} by ${principal.userId}: ` +
        (revocation.tokenId ? `token ${revocation.tokenId}` : `all tokens of user ${revocation.userId}`) +
        (created ? '' : ' (already revoked)'),
    );
    return revocation;
  }

  @Get()
  @Roles('hub_staff')
  @ApiOperation({ summary: 'Revocations, newest first: who revoked which token, when and why (hub staff)' })
  async list() {
    return { items: await this.revocations.list() };
  }
}
