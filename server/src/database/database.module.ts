import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { ClickHouseService } from './clickhouse.service';
import { DuckDbService, type PrepareWarehouse } from './duckdb.service';
import { WAREHOUSE, WarehouseService } from './warehouse';

/**
 * The warehouse of the process, chosen by REFUNDS_DB: a DuckDB file (DuckDbService, which the loads
 * module writes; `prepare` comes from it) or a ClickHouse URL (ClickHouseService, read-only: the ETL
 * loads it). Readers take `WarehouseService`, repositories the `WAREHOUSE` token; `DuckDbService`
 * is null with ClickHouse, and the writers refuse.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(prepare: PrepareWarehouse): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: WarehouseService,
          inject: [APP_CONFIG],
          useFactory: async (config: AppConfig): Promise<WarehouseService> => {
            const s = config.clickhouseUrl === null ? new DuckDbService(config, prepare) : new ClickHouseService(config);
            await s.init();
            return s;
          },
        },
        {
          provide: DuckDbService,
          inject: [WarehouseService],
          useFactory: (w: WarehouseService): DuckDbService | null => (w instanceof DuckDbService ? w : null),
        },
        { provide: WAREHOUSE, useExisting: WarehouseService },
      ],
      exports: [WarehouseService, DuckDbService, WAREHOUSE],
    };
  }
}
