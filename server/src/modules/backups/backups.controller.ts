import { Body, Controller, HttpCode, HttpException, Inject, Post, type OnModuleInit } from '@nestjs/common';
import { mkdir } from 'node:fs/promises';
import { AppError, httpStatus } from '../../common/errors';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { AuditService } from '../audit/audit.service';
import { Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.types';
import { ClientAddress, CurrentPrincipal } from '../auth/current-principal.decorator';
import { ImportDir } from '../loads/import-dir';
import { WarehouseWriterService } from '../loads/warehouse-writer';

/** `npm run etl -- backup` hands the backup here while the server owns the DuckDB file. */
@Controller('api/backups')
export class BackupsController implements OnModuleInit {
  private readonly dir: ImportDir;

  constructor(
    private readonly writer: WarehouseWriterService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.dir = new ImportDir(config.backupDir, 'the backup folder (REFUNDS_BACKUP_DIR)');
  }

  async onModuleInit(): Promise<void> {
    await mkdir(this.config.backupDir, { recursive: true });
  }

  @Roles('admin')
  @Post()
  @HttpCode(201)
  async backup(@Body() body: { out?: unknown }, @CurrentPrincipal() p: Principal, @ClientAddress() address: string): Promise<{ out: string; bytes: number }> {
    try {
      if (typeof body?.out !== 'string' || !body.out) throw new AppError('BAD_USER_INPUT', 'out: the backup file to write', 'out');
      const out = await this.dir.writable(body.out, 'out');
      const { bytes } = await this.writer.backup(out);
      await this.audit.recordOrLog({ actor: p.name, action: 'backup', detail: `${out} (${bytes} bytes)`, address });
      return { out, bytes };
    } catch (e) {
      const code = e instanceof AppError ? e.code : 'INTERNAL';
      throw new HttpException({ error: { code, message: (e as Error).message.split('\n')[0] } }, e instanceof AppError ? httpStatus(code) : 500);
    }
  }
}
