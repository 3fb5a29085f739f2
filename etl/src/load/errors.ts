export type LoadErrorCode =
  | 'NO_FILES'
  | 'UNKNOWN_TABLE'
  | 'UNSUPPORTED_FORMAT'
  | 'DUPLICATE_TABLE'
  | 'FILE_UNREADABLE'
  | 'MISSING_COLUMN'
  | 'STRICT_REJECTS'
  | 'ALL_REJECTED'
  | 'CURRENCY_MISMATCH'
  | 'LOAD_IN_PROGRESS'
  | 'DATABASE_ERROR'
  | 'BACKUP_FAILED';

/** A load that committed nothing; `message` names the file or table at fault. */
export class LoadError extends Error {
  constructor(
    readonly code: LoadErrorCode,
    message: string,
    readonly file?: string,
  ) {
    super(message);
    this.name = 'LoadError';
  }
}
