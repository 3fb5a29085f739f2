import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../../config/config';
import type { UploadManifest } from './models/upload.model';

/** Upload folders are named `up-` + 24 hex digits; nothing else in the import folder is touched. */
const ID = /^up-[0-9a-f]{24}$/;
const MANIFEST = 'upload.json';

/**
 * The import folder on disk: one subfolder per upload holding `files/` (as uploaded), `mapping/`,
 * `converted/` (canonical CSVs the importers wrote, what the loader reads) and `upload.json`.
 */
@Injectable()
export class UploadsRepository {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  static isId(id: string): boolean {
    return ID.test(id);
  }

  async ensureRoot(): Promise<void> {
    await mkdir(this.config.importDir, { recursive: true });
  }

  /** A new empty upload folder with a random id. */
  async create(): Promise<{ id: string; dir: string }> {
    const id = `up-${randomBytes(12).toString('hex')}`;
    const dir = this.dir(id);
    await mkdir(this.filesDir(id), { recursive: true });
    await mkdir(this.mappingDir(id), { recursive: true });
    return { id, dir };
  }

  dir(id: string): string {
    if (!ID.test(id)) throw new Error(`not an upload id: ${id}`);
    return join(this.config.importDir, id);
  }
  filesDir(id: string): string {
    return join(this.dir(id), 'files');
  }
  mappingDir(id: string): string {
    return join(this.dir(id), 'mapping');
  }
  convertedDir(id: string): string {
    return join(this.dir(id), 'converted');
  }

  async save(m: UploadManifest): Promise<void> {
    // Written whole then renamed, so a crash never leaves half a manifest.
    const tmp = join(this.dir(m.id), `${MANIFEST}.tmp`);
    await writeFile(tmp, JSON.stringify(m, null, 1));
    await rename(tmp, join(this.dir(m.id), MANIFEST));
  }

  async find(id: string): Promise<UploadManifest | null> {
    if (!ID.test(id)) return null;
    try {
      return JSON.parse(await readFile(join(this.dir(id), MANIFEST), 'utf8')) as UploadManifest;
    } catch {
      return null;
    }
  }

  async remove(id: string): Promise<void> {
    await rm(this.dir(id), { recursive: true, force: true });
  }

  async clearConverted(id: string): Promise<string> {
    const dir = this.convertedDir(id);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** Removes upload folders last changed before `cutoff`; returns their ids. */
  async removeOlderThan(cutoff: Date): Promise<string[]> {
    const removed: string[] = [];
    for (const name of await readdir(this.config.importDir).catch(() => [] as string[])) {
      if (!ID.test(name)) continue;
      const info = await stat(join(this.config.importDir, name)).catch(() => null);
      if (!info?.isDirectory() || info.mtime >= cutoff) continue;
      await this.remove(name);
      removed.push(name);
    }
    return removed;
  }
}
