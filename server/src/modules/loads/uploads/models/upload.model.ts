import type { ImportFormat, LoadSummary } from '@refunds/etl';

/** An importer's format, or `load` for files already in the canonical tables (refunds.csv, ...). */
export type UploadFormat = ImportFormat | 'load';

export const UPLOAD_FORMATS: readonly UploadFormat[] = ['shopify-orders', 'stripe-refunds', 'zendesk-tickets', 'nps-survey', 'mapping', 'load'];

export const isUploadFormat = (v: unknown): v is UploadFormat => typeof v === 'string' && (UPLOAD_FORMATS as readonly string[]).includes(v);

export interface UploadedFile {
  /** Sanitised name, unique within the upload; the file is `<upload>/files/<name>`. */
  name: string;
  /** The name the browser sent, for display only. */
  originalName: string;
  size: number;
  detected: UploadFormat | null;
  /** Why that format (or why none): shown beside the format picker. */
  note: string;
}

/** What is kept on disk beside the files (`upload.json`), so an upload outlives a restart. */
export interface UploadManifest {
  id: string;
  createdAt: string;
  createdBy: string;
  files: UploadedFile[];
  mapping: { name: string; originalName: string; size: number } | null;
}

export type UploadState = 'uploaded' | 'previewing' | 'previewed' | 'committing' | 'committed' | 'failed';

export interface UploadProgress {
  /** `converting` (export -> canonical files), then the loader's phases, then `done`. */
  phase: string;
  table?: string;
  file?: string;
  /** 0..1 over the whole preview or commit. */
  fraction: number;
}

export interface UploadView extends UploadManifest {
  state: UploadState;
  progress: UploadProgress | null;
  /** The last preview or commit. */
  summary: LoadSummary | null;
  warnings: string[];
  error: { code: string; message: string } | null;
}

export interface UploadLimits {
  maxBytes: number;
  formats: readonly UploadFormat[];
}
