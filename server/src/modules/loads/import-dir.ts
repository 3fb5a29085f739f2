import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { AppError, badInput } from '../../common/errors';

/**
 * Confines the load endpoint to REFUNDS_IMPORT_DIR (and backups to REFUNDS_BACKUP_DIR). Paths are compared after resolving `..` and
 * every symlink (realpath), so neither `imports/../etc` nor a link inside the folder that points
 * out of it gets through. Relative paths are taken from the import folder.
 */
export class ImportDir {
  constructor(
    private readonly dir: string,
    private readonly label = 'the import folder (REFUNDS_IMPORT_DIR)',
  ) {}

  private async root(): Promise<string> {
    try {
      return await realpath(this.dir);
    } catch {
      throw new AppError('BAD_USER_INPUT', `${this.label} ${this.dir} does not exist`);
    }
  }

  private static inside(root: string, p: string): boolean {
    return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
  }

  private refuse(arg: string, p: string): AppError {
    return new AppError('FORBIDDEN', `${arg}: ${p} is outside ${this.label}`, arg);
  }

  /** A file or folder to read: its real path, with every file of a folder checked too. */
  async readable(p: string, arg: string): Promise<string> {
    const root = await this.root();
    const abs = isAbsolute(p) ? resolve(p) : resolve(root, p);
    let real: string;
    try {
      real = await realpath(abs);
    } catch {
      // Do not tell whether a path outside the folder exists.
      if (!ImportDir.inside(root, abs)) throw this.refuse(arg, p);
      throw badInput(arg, `${p}: no such file or folder`);
    }
    if (!ImportDir.inside(root, real)) throw this.refuse(arg, p);
    if ((await stat(real)).isDirectory()) {
      for (const e of await readdir(real)) {
        const entry = await realpath(join(real, e)).catch(() => null);
        if (entry !== null && !ImportDir.inside(root, entry)) throw this.refuse(arg, join(p, e));
      }
    }
    return real;
  }

  /** A file to write (rejects): its folder must resolve inside, and an existing link must not lead out. */
  async writable(p: string, arg: string): Promise<string> {
    const root = await this.root();
    const abs = isAbsolute(p) ? resolve(p) : resolve(root, p);
    let parent: string;
    try {
      parent = await realpath(dirname(abs));
    } catch {
      if (!ImportDir.inside(root, abs)) throw this.refuse(arg, p);
      throw badInput(arg, `${p}: the folder does not exist`);
    }
    const target = join(parent, basename(abs));
    if (!ImportDir.inside(root, parent) || target === root) throw this.refuse(arg, p);
    const link = await lstat(target).catch(() => null);
    if (link?.isSymbolicLink()) {
      const real = await realpath(target).catch(() => null);
      if (real === null || !ImportDir.inside(root, real)) throw this.refuse(arg, p);
    }
    return target;
  }
}
