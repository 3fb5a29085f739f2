import { Controller, Get, Header, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import type { DataSource } from 'typeorm';
import { WarehouseService } from '../../database/warehouse';
import { Public, PublicWhen, Roles } from '../auth/auth.guard';
import { MetricsService } from './metrics.service';

const CHECK_TIMEOUT_MS = 5000;

async function check(fn: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${CHECK_TIMEOUT_MS / 1000} s`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return 'ok';
  } catch (e) {
    return `failed: ${((e as Error).message ?? String(e)).split('\n')[0].slice(0, 200)}`;
  } finally {
    clearTimeout(timer);
  }
}

@Controller()
export class HealthController {
  constructor(
    private readonly db: WarehouseService,
    @InjectDataSource() private readonly appDb: DataSource,
    private readonly metrics: MetricsService,
  ) {}

  /** Liveness: the process answers. */
  @Public()
  @Get('healthz')
  @Header('Cache-Control', 'no-store')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the warehouse and the app store both answer; 503 names the ones that did not. */
  @Public()
  @Get('readyz')
  @Header('Cache-Control', 'no-store')
  async readyz(@Res({ passthrough: true }) res: Response): Promise<{ status: string; failed: string[]; checks: Record<string, string> }> {
    const [warehouse, appStore] = await Promise.all([check(() => this.db.ping()), check(() => this.appDb.query('SELECT 1'))]);
    const checks = { warehouse, appStore };
    const failed = Object.entries(checks)
      .filter(([, v]) => v !== 'ok')
      .map(([k]) => k);
    if (failed.length) res.status(503);
    return { status: failed.length ? 'unavailable' : 'ok', failed, checks };
  }

  /** Prometheus text format; admin token or admin session unless REFUNDS_METRICS_PUBLIC=1. */
  @PublicWhen((c) => c.metricsPublic)
  @Roles('admin')
  @Get('metrics')
  async prometheus(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(await this.metrics.text());
  }
}
