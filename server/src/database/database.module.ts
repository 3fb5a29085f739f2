import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { DuckDbService } from './duckdb.service';

@Global()
@Module({
  providers: [
    {
      provide: DuckDbService,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => {
        const s = new DuckDbService(config);
        await s.init();
        return s;
      },
    },
  ],
  exports: [DuckDbService],
})
export class DatabaseModule {}
