import { Module } from '@nestjs/common';
import { ChannelsRepository } from './channels.repository';
import { ChannelsResolver } from './channels.resolver';
import { ChannelsService } from './channels.service';

@Module({ providers: [ChannelsResolver, ChannelsService, ChannelsRepository], exports: [ChannelsService] })
export class ChannelsModule {}
