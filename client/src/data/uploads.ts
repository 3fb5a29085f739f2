/** The upload API (`/api/uploads`, admins only): XMLHttpRequest for the upload so its progress shows. */
import type { LoadReject } from '@refunds/shared';
import { UNAUTHENTICATED_EVENT } from '../common/graphql';

/**
 * Sent with every upload request: the session cookie authenticates it, and this header (which a
 * cross-site form cannot send) tells the server the dashboard sent it (server auth.guard.ts).
 */
const CLIENT_HEADER = ['X-Requested-With', 'refunds-dashboard'] as const;

export type UploadFormat = 'shopify-orders' | 'stripe-refunds' | 'zendesk-tickets' | 'nps-survey' | 'mapping' | 'load';
export const UPLOAD_FORMATS: readonly UploadFormat[] = ['shopify-orders', 'stripe-refunds', 'zendesk-tickets', 'nps-survey', 'mapping', 'load'];

export type UploadReject = LoadReject;

export interface UploadSummary {
  loadId: number;
  outcome: 'committed' | 'failed' | 'previewed';
  tables: Array<{ table: string; files: string[]; read: number; loaded: number; replaced: number; unchanged: number; rejected: number }>;
  durationMs: number;
  dataVersion: number;
  rejects?: UploadReject[];
  /** Conflicts between sources the load would add (reconciliation), when the loader reports them. */
  conflicts?: Array<{ kind: string; count: number }>;
}

export interface UploadProgress {
  phase: string;
  table?: string;
  file?: string;
  fraction: number;
}

export interface UploadView {
  id: string;
  createdAt: string;
  files: Array<{ name: string; originalName: string; size: number; detected: UploadFormat | null; note: string }>;
  mapping: { name: string; originalName: string; size: number } | null;
  state: 'uploaded' | 'previewing' | 'previewed' | 'committing' | 'committed' | 'failed';
  progress: UploadProgress | null;
  summary: UploadSummary | null;
  warnings: string[];
  error: { code: string; message: string } | null;
}

export interface UploadLimits {
  maxBytes: number;
  formats: UploadFormat[];
}

export class UploadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

function failure(status: number, text: string): UploadError {
  if (status === 401) window.dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
  try {
    const body = JSON.parse(text) as { error?: { message?: string }; message?: string };
    return new UploadError(status, body.error?.message ?? body.message ?? `HTTP ${status}`);
  } catch {
    return new UploadError(status, status === 413 ? 'the upload is over the size limit' : `HTTP ${status}`);
  }
}

export async function uploadApi<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { [CLIENT_HEADER[0]]: CLIENT_HEADER[1] };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`/api/uploads${path}`, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new UploadError(0, (e as Error).message || 'network error');
  }
  const text = await res.text();
  if (!res.ok) throw failure(res.status, text);
  return (text ? JSON.parse(text) : null) as T;
}

/** Sends files as multipart form data; `onProgress` gets the bytes sent so far. */
export function sendFiles(
  path: string,
  parts: Array<{ field: 'files' | 'mapping'; file: File }>,
  onProgress: (sent: number, total: number) => void,
): { done: Promise<UploadView>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const done = new Promise<UploadView>((resolve, reject) => {
    const form = new FormData();
    for (const p of parts) form.append(p.field, p.file, p.file.name);
    xhr.open('POST', `/api/uploads${path}`);
    xhr.setRequestHeader(CLIENT_HEADER[0], CLIENT_HEADER[1]);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded, e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText) as UploadView);
      else reject(failure(xhr.status, xhr.responseText));
    };
    xhr.onerror = () => reject(new UploadError(0, 'the upload was interrupted (network error, or the server refused it)'));
    xhr.onabort = () => reject(new UploadError(0, 'aborted'));
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}
