import { badInput } from '../../../../common/errors';
import { isUploadFormat, type UploadFormat } from '../models/upload.model';

/** Body of preview and commit: the format of each file (by its stored name), else the detected one. */
export interface RunUploadDto {
  formats: Record<string, UploadFormat>;
}

export function parseRunUpload(body: unknown): RunUploadDto {
  const raw = (body ?? {}) as { formats?: unknown };
  if (raw.formats === undefined || raw.formats === null) return { formats: {} };
  if (typeof raw.formats !== 'object' || Array.isArray(raw.formats)) throw badInput('formats', 'an object of file name -> format');
  const formats: Record<string, UploadFormat> = {};
  for (const [name, format] of Object.entries(raw.formats as Record<string, unknown>)) {
    if (!isUploadFormat(format)) throw badInput(`formats.${name}`, `unknown format "${String(format)}"`);
    formats[name] = format;
  }
  return { formats };
}
