import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, type Repository } from 'typeorm';
import { SessionEntity } from '../../app-db/entities';

@Injectable()
export class SessionsRepository {
  constructor(@InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>) {}

  insert(s: SessionEntity): Promise<SessionEntity> {
    return this.sessions.save(this.sessions.create(s));
  }

  find(idHash: string): Promise<SessionEntity | null> {
    return this.sessions.findOne({ where: { idHash } });
  }

  async touch(idHash: string, at: string): Promise<void> {
    await this.sessions.update({ idHash }, { lastSeenAt: at });
  }

  async delete(idHash: string): Promise<boolean> {
    return ((await this.sessions.delete({ idHash })).affected ?? 0) > 0;
  }

  async deleteForUser(userId: number): Promise<number> {
    return (await this.sessions.delete({ user: { id: userId } })).affected ?? 0;
  }

  async deleteForToken(tokenId: number): Promise<number> {
    return (await this.sessions.delete({ token: { id: tokenId } })).affected ?? 0;
  }

  async deleteIdleBefore(cutoff: string): Promise<number> {
    return (await this.sessions.delete({ lastSeenAt: LessThan(cutoff) })).affected ?? 0;
  }
}
