import { Body, Controller, HttpException, Post } from '@nestjs/common';
import { LoadError, type LoadSummary } from '@refunds/etl';
import { AppError, httpStatus } from '../../common/errors';
import { Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.types';
import { ClientAddress, CurrentPrincipal } from '../auth/current-principal.decorator';
import { LoadsService, type LoadRequest } from './loads.service';

/** The CLI's hand-over endpoint: `npm run etl -- load` posts here while a server owns the file. */
@Controller('api/loads')
export class LoadsController {
  constructor(private readonly loads: LoadsService) {}

  @Roles('admin')
  @Post()
  async load(@Body() body: LoadRequest, @CurrentPrincipal() p: Principal, @ClientAddress() address: string): Promise<{ summary: LoadSummary }> {
    try {
      return { summary: await this.loads.load(body ?? { paths: [] }, p, address) };
    } catch (e) {
      if (e instanceof AppError && (e.code === 'FORBIDDEN' || e.code === 'READ_ONLY_WAREHOUSE'))
        throw new HttpException({ error: { code: e.code, message: e.message } }, httpStatus(e.code));
      const code = e instanceof LoadError || e instanceof AppError ? e.code : 'LOAD_FAILED';
      throw new HttpException({ error: { code, message: (e as Error).message } }, 422);
    }
  }
}
