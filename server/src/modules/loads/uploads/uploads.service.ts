import { readdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { convertExport, type LoadProgress } from '@refunds/etl';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../../../config/config';
import { AppError, badInput } from '../../../common/errors';
import { WarehouseService } from '../../../database/warehouse';
import { WarehouseWriterService } from '../warehouse-writer';
import type { Principal } from '../../auth/auth.types';
import { detectFormat, readHead } from './detect';
import type { RunUploadDto } from './dto/run-upload.dto';
import {
  UPLOAD_FORMATS,
  type UploadFormat,
  type UploadLimits,
  type UploadManifest,
  type UploadState,
  type UploadView,
  type UploadedFile,
} from './models/upload.model';
import { receiveFiles, type ReceivedFile } from './multipart';
import { UploadsRepository } from './uploads.repository';

const DAY_MS = 24 * 60 * 60 * 1000;

type Runtime = Pick<UploadView, 'state' | 'progress' | 'summary' | 'warnings' | 'error'>;

const notFound = (id: string) => new AppError('NOT_FOUND', `upload ${id} not found (cancelled, or cleaned up after a day)`);

/**
 * Browser uploads: files stream into the import folder, their format is sniffed, and preview and
 * commit run the CLI's path (convertExport, then WarehouseWriterService.load on the one writer connection);
 * a preview is that same load rolled back.
 */
@Injectable()
export class UploadsService implements OnModuleInit {
  private readonly logger = new Logger('Uploads');
  /** Preview/commit state of uploads touched since the server started; the files live on disk. */
  private readonly runtime = new Map<string, Runtime>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: UploadsRepository,
    private readonly db: WarehouseService,
    private readonly writer: WarehouseWriterService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.repo.ensureRoot();
    const removed = await this.repo.removeOlderThan(new Date(Date.now() - DAY_MS));
    if (removed.length) this.logger.warn(`removed ${removed.length} upload folder(s) older than a day from ${this.config.importDir}`);
  }

  limits(): UploadLimits {
    return { maxBytes: this.config.uploadMaxBytes, formats: UPLOAD_FORMATS };
  }

  async create(req: Request, res: Response, who: Principal): Promise<UploadView> {
    this.writer.assertWritable();
    const { id } = await this.repo.create();
    try {
      const received = await receiveFiles(req, res, {
        maxBytes: this.config.uploadMaxBytes,
        fields: { files: this.repo.filesDir(id), mapping: this.repo.mappingDir(id) },
      });
      const manifest: UploadManifest = { id, createdAt: new Date().toISOString(), createdBy: who.name, files: [], mapping: null };
      for (const f of received) {
        const detection = detectFormat(f.name, await readHead(f.path));
        if (f.field === 'mapping' || detection.format === 'mapping-definition') {
          await this.setMapping(manifest, f);
          continue;
        }
        manifest.files.push({ name: f.name, originalName: f.originalName, size: f.size, detected: detection.format, note: detection.note });
      }
      if (manifest.files.length === 0) throw badInput('files', 'no export file in the upload (send them as the "files" field)');
      this.detectMappingData(manifest);
      await this.repo.save(manifest);
      return this.view(manifest);
    } catch (e) {
      await this.repo.remove(id);
      throw e;
    }
  }

  /** Adds or replaces the mapping of an upload. */
  async uploadMapping(id: string, req: Request, res: Response): Promise<UploadView> {
    const manifest = await this.manifest(id);
    this.assertIdle(id, 'change the mapping of');
    const received = await receiveFiles(req, res, {
      maxBytes: this.config.uploadMaxBytes,
      fields: { mapping: this.repo.mappingDir(id) },
      taken: manifest.mapping ? [manifest.mapping.name] : [],
      maxFiles: 1,
    }).catch(async (e: unknown) => {
      await this.dropStrayMappings(id, manifest);
      throw e;
    });
    if (received.length !== 1) throw badInput('mapping', 'send one mapping file (YAML or JSON) as the "mapping" field');
    await this.setMapping(manifest, received[0]);
    this.detectMappingData(manifest);
    await this.repo.save(manifest);
    return this.view(manifest);
  }

  async get(id: string): Promise<UploadView> {
    return this.view(await this.manifest(id));
  }

  async cancel(id: string): Promise<void> {
    await this.manifest(id);
    this.assertIdle(id, 'cancel');
    await this.repo.remove(id);
    this.runtime.delete(id);
  }

  /** Preview (the load rolled back) or commit (the load for real) of an upload. */
  async run(id: string, dto: RunUploadDto, mode: 'preview' | 'commit'): Promise<UploadView> {
    const manifest = await this.manifest(id);
    this.assertIdle(id, mode);
    const rt = this.state(id);
    if (rt.state === 'committed') throw new AppError('CONFLICT', `upload ${id} is already committed (load ${rt.summary?.loadId})`);
    const known = new Set(manifest.files.map((f) => f.name));
    for (const name of Object.keys(dto.formats)) if (!known.has(name)) throw badInput(`formats.${name}`, 'no such file in this upload');
    const groups = new Map<UploadFormat, UploadedFile[]>();
    for (const f of manifest.files) {
      const format = dto.formats[f.name] ?? f.detected;
      if (!format) throw badInput(`formats.${f.name}`, 'the format of this file was not recognised; pick one');
      groups.set(format, [...(groups.get(format) ?? []), f]);
    }
    if (groups.has('mapping') && !manifest.mapping) throw badInput('mapping', 'the mapping format needs a mapping file (YAML or JSON)');

    Object.assign(rt, { state: mode === 'preview' ? 'previewing' : 'committing', progress: { phase: 'converting', fraction: 0 }, error: null, warnings: [] });
    try {
      const paths = await this.convert(id, manifest, groups, rt.warnings);
      const seen = new Map<string, number>();
      const steps = paths.length + 1;
      const onProgress = (p: LoadProgress) => {
        let step = steps - 1;
        if (p.table !== 'facts') {
          const file = p.file ?? p.table;
          if (!seen.has(file)) seen.set(file, seen.size);
          step = seen.get(file) ?? 0;
        }
        rt.progress = { phase: p.phase, table: p.table, file: p.file && basename(p.file), fraction: Math.min(1, (step + p.fraction) / steps) };
      };
      const summary = await this.writer.load(paths, { dryRun: mode === 'preview', onProgress });
      Object.assign(rt, { state: mode === 'preview' ? 'previewed' : 'committed', progress: { phase: 'done', fraction: 1 }, summary });
      if (mode === 'commit') this.logger.log(`upload ${id} committed as load ${summary.loadId}`);
      return this.view(manifest);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      Object.assign(rt, {
        state: 'failed',
        progress: null,
        summary: null,
        error: { code: typeof code === 'string' ? code : 'LOAD_FAILED', message: (e as Error).message },
      });
      throw e;
    }
  }

  /** The files the loader reads: canonical uploads as they are, exports converted per format. */
  private async convert(id: string, m: UploadManifest, groups: Map<UploadFormat, UploadedFile[]>, warnings: string[]): Promise<string[]> {
    const out = await this.repo.clearConverted(id);
    const filePath = (f: UploadedFile) => join(this.repo.filesDir(id), f.name);
    const paths: string[] = [];
    for (const [format, files] of groups) {
      if (format === 'load') {
        paths.push(...files.map(filePath));
        continue;
      }
      const result = await convertExport(format, files.map(filePath), join(out, format), {
        mappingFile: format === 'mapping' && m.mapping ? join(this.repo.mappingDir(id), m.mapping.name) : undefined,
        reportingCurrency: this.db.reportingCurrency,
      });
      warnings.push(...result.warnings.map((w) => `${format}: ${w}`));
      paths.push(...result.files);
    }
    return paths;
  }

  private async setMapping(m: UploadManifest, f: ReceivedFile): Promise<void> {
    const dir = this.repo.mappingDir(m.id);
    if (f.path !== join(dir, f.name)) await rename(f.path, join(dir, f.name));
    if (m.mapping && m.mapping.name !== f.name) await rm(join(dir, m.mapping.name), { force: true });
    m.mapping = { name: f.name, originalName: f.originalName, size: f.size };
  }

  private async dropStrayMappings(id: string, m: UploadManifest): Promise<void> {
    for (const n of await readdir(this.repo.mappingDir(id)).catch(() => [] as string[]))
      if (n !== m.mapping?.name) await rm(join(this.repo.mappingDir(id), n), { force: true });
  }

  /** With a mapping present, a CSV no importer recognised is data for that mapping. */
  private detectMappingData(m: UploadManifest): void {
    if (!m.mapping) return;
    for (const f of m.files) {
      if (f.detected === null && /\.csv$/i.test(f.name)) {
        f.detected = 'mapping';
        f.note = `CSV for the mapping ${m.mapping.originalName}`;
      }
    }
  }

  private async manifest(id: string): Promise<UploadManifest> {
    const m = await this.repo.find(id);
    if (!m) {
      this.runtime.delete(id);
      throw notFound(id);
    }
    return m;
  }

  private state(id: string): Runtime {
    let rt = this.runtime.get(id);
    if (!rt) {
      rt = { state: 'uploaded', progress: null, summary: null, warnings: [], error: null };
      this.runtime.set(id, rt);
    }
    return rt;
  }

  private assertIdle(id: string, what: string): void {
    const s: UploadState = this.state(id).state;
    if (s === 'previewing' || s === 'committing') throw new AppError('CONFLICT', `cannot ${what} upload ${id} while it is ${s}`);
  }

  private view(m: UploadManifest): UploadView {
    const rt = this.state(m.id);
    return { ...m, state: rt.state, progress: rt.progress, summary: rt.summary, warnings: rt.warnings, error: rt.error };
  }
}
