import { Body, Controller, Delete, Get, HttpCode, HttpException, Param, Post, Req, Res } from '@nestjs/common';
import { ImportError, LoadError } from '@refunds/etl';
import type { Request, Response } from 'express';
import { AppError } from '../../../common/errors';
import { Roles } from '../../auth/auth.guard';
import { AuditService } from '../../audit/audit.service';
import { addressOf } from '../../auth/auth.types';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import type { Principal } from '../../auth/auth.types';
import { parseRunUpload } from './dto/run-upload.dto';
import type { UploadLimits, UploadView } from './models/upload.model';
import { closeAfterResponse, tooLarge } from './multipart';
import { UploadsService } from './uploads.service';

/**
 * Upload in the browser (admins only; the guard answers 401/403 before the body is read):
 * POST multipart `files` (and optionally `mapping`), then preview, then commit or DELETE.
 */
@Roles('admin')
@Controller('api/uploads')
export class UploadsController {
  constructor(
    private readonly uploads: UploadsService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  limits(): UploadLimits {
    return this.uploads.limits();
  }

  @Post()
  async create(@Req() req: Request, @Res({ passthrough: true }) res: Response, @CurrentPrincipal() who: Principal): Promise<UploadView> {
    const view = await this.receiving(req, res, () => this.uploads.create(req, res, who));
    await this.audit.recordOrLog({
      actor: who.name,
      action: 'upload',
      detail: `upload ${view.id} received: ${view.files.map((f) => `${f.originalName} (${f.size} bytes)`).join(', ')}`.slice(0, 500),
      address: addressOf(req),
    });
    return view;
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<UploadView> {
    return this.uploads.get(id);
  }

  @Post(':id/mapping')
  mapping(@Param('id') id: string, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<UploadView> {
    return this.receiving(req, res, () => this.uploads.uploadMapping(id, req, res));
  }

  @Post(':id/preview')
  @HttpCode(200)
  preview(@Param('id') id: string, @Body() body: unknown): Promise<UploadView> {
    return this.loading(() => this.uploads.run(id, parseRunUpload(body), 'preview'));
  }

  @Post(':id/commit')
  @HttpCode(200)
  async commit(@Param('id') id: string, @Body() body: unknown, @Req() req: Request, @CurrentPrincipal() who: Principal): Promise<UploadView> {
    const view = await this.loading(() => this.uploads.run(id, parseRunUpload(body), 'commit'));
    const s = view.summary;
    await this.audit.recordOrLog({
      actor: who.name,
      action: 'upload',
      detail: `upload ${id} committed${s ? ` as load ${s.loadId}: ${s.tables.reduce((a, t) => a + t.loaded, 0)} rows loaded, ${s.tables.reduce((a, t) => a + t.rejected, 0)} rejected` : ''}`,
      address: addressOf(req),
    });
    return view;
  }

  @Delete(':id')
  @HttpCode(204)
  async cancel(@Param('id') id: string, @Req() req: Request, @CurrentPrincipal() who: Principal): Promise<void> {
    await this.uploads.cancel(id);
    await this.audit.recordOrLog({ actor: who.name, action: 'upload', detail: `upload ${id} cancelled`, address: addressOf(req) });
  }

  /** Refuses a declared oversize body before reading it; any refusal closes the connection. */
  private async receiving(req: Request, res: Response, fn: () => Promise<UploadView>): Promise<UploadView> {
    const declared = Number(req.headers['content-length'] ?? NaN);
    try {
      if (Number.isFinite(declared) && declared > this.uploads.limits().maxBytes) throw tooLarge(this.uploads.limits().maxBytes);
      if (!req.is('multipart/form-data')) throw new AppError('BAD_USER_INPUT', 'send the files as multipart/form-data', 'files');
      return await fn();
    } catch (e) {
      closeAfterResponse(req, res);
      throw e;
    }
  }

  /** Import and load failures are the data's fault: 422 with the loader's code, as POST /api/loads answers. */
  private async loading(fn: () => Promise<UploadView>): Promise<UploadView> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof LoadError || e instanceof ImportError) throw new HttpException({ error: { code: e.code, message: e.message } }, 422);
      throw e;
    }
  }
}
