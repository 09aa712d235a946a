import { Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import type { BulkUploadKind } from './bulk-upload.entity.js';
import { BulkUploadService } from './bulk-upload.service.js';
import { readCsvUpload } from './csv-upload.js';

const CSV_BODY = {
  schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } },
  description: 'The CSV as multipart form field "file", or as a text/csv body. At most 1,000 rows and 2 MB.',
};

/**
 * `POST /bulk-uploads/registrations` and `/outcomes` check a CSV row by row against the domain and keep the
 * result; `POST /bulk-uploads/:id/confirm` applies it, all or nothing (bulk-upload.service.ts).
 */
@ApiTags('Bulk uploads')
@ApiBearerAuth()
@Controller('bulk-uploads')
export class BulkUploadsHttpController {
  constructor(private readonly uploads: BulkUploadService) {}

  @Post('registrations')
  @Roles('induction_tutor', 'hub_staff')
  @ApiOperation({
    summary:
      'Check a registrations CSV: TRN, Date of birth, Induction programme, Induction period start date, and ' +
      'First name, Last name, Email, School URN, QTS award date, FTE, Mentor name, Mentor email, Induction tutor name, Induction tutor email',
  })
  @ApiConsumes('multipart/form-data', 'text/csv')
  @ApiBody(CSV_BODY)
  registrations(
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.check('registrations', principal, request, response);
  }

  @Post('outcomes')
  @Roles('panel_member', 'hub_staff')
  @ApiOperation({
    summary: 'Check an outcomes CSV: TRN, Date of birth, Induction period end date, Number of terms, Outcome',
  })
  @ApiConsumes('multipart/form-data', 'text/csv')
  @ApiBody(CSV_BODY)
  outcomes(
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.check('outcomes', principal, request, response);
  }

  @Get(':id')
  @ApiOperation({ summary: 'An upload: who, when, rows, errors, status' })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.uploads.get(id, principal);
  }

  @Get(':id/errors.csv')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'The rows with errors, with what is wrong, to fix and upload again' })
  async errors(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    const csv = await this.uploads.errorsCsv(id, principal);
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="upload-${id}-errors.csv"`);
    return csv;
  }

  @Post(':id/confirm')
  @HttpCode(200)
  @Roles('induction_tutor', 'panel_member', 'hub_staff')
  @ApiOperation({ summary: 'Apply a checked upload, all rows or none' })
  async confirm(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const requestId = (request as { id?: unknown }).id;
    const correlationId = typeof requestId === 'string' && requestId ? requestId : id;
    const { view, logPosition } = await this.uploads.confirm(id, principal, correlationId);
    if (logPosition !== null) response.setHeader('X-Log-Position', logPosition.toString());
    return view;
  }

  private async check(kind: BulkUploadKind, principal: Principal, request: Request, response: Response) {
    const text = await readCsvUpload(request, response);
    const view = await this.uploads.upload(kind, text, principal);
    response.setHeader('Location', view.links.self);
    return view;
  }
}
