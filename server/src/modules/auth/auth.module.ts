import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AppDbModule } from '../../app-db/app-db.module';
import { AuthGuard } from './auth.guard';
import { AuthRepository } from './auth.repository';
import { AuthResolver } from './auth.resolver';
import { AuthService } from './auth.service';
import { OidcController } from './oidc.controller';
import { OidcService } from './oidc.service';
import { SessionController } from './session.controller';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';
import { ThrottleService } from './throttle.service';

@Global()
@Module({
  imports: [AppDbModule],
  controllers: [SessionController, OidcController],
  providers: [
    OidcService,
    AuthService,
    AuthRepository,
    AuthResolver,
    SessionsRepository,
    SessionsService,
    ThrottleService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService, AuthRepository, SessionsService, ThrottleService],
})
export class AuthModule {}
