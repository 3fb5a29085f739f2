import { Transform, type TransformCallback } from 'node:stream';
import type { Request, Response } from 'express';
import multer, { MulterError } from 'multer';
import { AppError } from '../../../common/errors';
import { sanitizeFileName, uniqueName } from './detect';

export interface ReceivedFile {
  field: string;
  name: string;
  originalName: string;
  path: string;
  size: number;
}

export interface ReceiveOptions {
  maxBytes: number;
  /** Accepted file fields and the folder each is written to. */
  fields: Record<string, string>;
  /** Names already in those folders (kept unique across requests). */
  taken?: Iterable<string>;
  maxFiles?: number;
}

export const tooLarge = (maxBytes: number) =>
  new AppError('PAYLOAD_TOO_LARGE', `uploads are limited to ${maxBytes} bytes (REFUNDS_UPLOAD_MAX_BYTES); split the export or raise the limit`);

/**
 * After refusing a request whose body was not read: close the connection once the answer is out,
 * but linger. Node's server ends a `Connection: close` response with `socket.destroySoon()`, which
 * closes the socket as soon as the answer is written; with request bytes still unread the kernel
 * then sends a reset, and a reset drops the answer from the client's receive buffer if it has not
 * read it yet (the upload test lost its 413 that way on a busy machine). So this socket's
 * `destroySoon` half-closes instead, discards what the client still sends, and closes when the
 * client does or after a grace of 10 s.
 */
export function closeAfterResponse(req: Request, res: Response): void {
  if (req.complete) return;
  if (!res.headersSent) res.setHeader('Connection', 'close');
  const socket = req.socket;
  socket.destroySoon = () => {
    const grace = setTimeout(() => socket.destroy(), LINGER_MS).unref();
    socket.once('close', () => clearTimeout(grace));
    socket.once('end', () => socket.destroy());
    socket.end();
    socket.resume();
  };
  res.once('finish', () => req.resume());
}

const LINGER_MS = 10_000;

/** Counts the body's bytes on their way to the multipart parser; over the limit, fails the stream. */
class ByteLimit extends Transform {
  private seen = 0;
  constructor(
    private readonly max: number,
    private readonly onExceeded: () => void,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.max) {
      this.onExceeded();
      cb();
      return;
    }
    cb(null, chunk);
  }
}

/**
 * Streams a multipart body to disk with multer (never the whole file in memory). A file or the
 * whole body over `maxBytes` fails with PAYLOAD_TOO_LARGE as soon as the limit is passed, also for
 * a body sent without Content-Length; the files written so far are the caller's to remove.
 */
export function receiveFiles(req: Request, res: Response, opts: ReceiveOptions): Promise<ReceivedFile[]> {
  const taken = new Set(opts.taken ?? []);
  return new Promise<ReceivedFile[]>((resolve, reject) => {
    let settled = false;
    const settle = (e: unknown, files?: ReceivedFile[]) => {
      if (settled) return;
      settled = true;
      if (e) reject(e instanceof Error ? e : new Error(String(e)));
      else resolve(files ?? []);
    };
    const storage = multer.diskStorage({
      destination: (_req, file, cb) => {
        const dir = opts.fields[file.fieldname];
        if (dir) cb(null, dir);
        else cb(new MulterError('LIMIT_UNEXPECTED_FILE', file.fieldname), '');
      },
      filename: (_req, file, cb) => {
        const name = uniqueName(sanitizeFileName(file.originalname), taken);
        taken.add(name);
        cb(null, name);
      },
    });
    // streamHandler is multer 2's; its types predate it.
    const options: multer.Options & { streamHandler: (req: Request, busboy: NodeJS.WritableStream) => void } = {
      storage,
      defParamCharset: 'utf8',
      limits: { fileSize: opts.maxBytes, files: opts.maxFiles ?? 50, fields: 20, fieldSize: 64 * 1024 },
      streamHandler: (request, busboy) => {
        const limit = new ByteLimit(opts.maxBytes, () => {
          request.unpipe(limit);
          limit.unpipe(busboy);
          closeAfterResponse(request, res);
          settle(tooLarge(opts.maxBytes));
        });
        request.pipe(limit).pipe(busboy);
      },
    };
    const upload = multer(options).any();
    upload(req, res, (err: unknown) => {
      if (err instanceof MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE') {
          settle(tooLarge(opts.maxBytes));
          return;
        }
        settle(new AppError('BAD_USER_INPUT', `upload: ${err.message}${err.field ? ` (${err.field})` : ''}`, err.field));
        return;
      }
      if (err) {
        settle(err);
        return;
      }
      const files = ((req as Request & { files?: Express.Multer.File[] }).files ?? []).map((f) => ({
        field: f.fieldname,
        name: f.filename,
        originalName: f.originalname,
        path: f.path,
        size: f.size,
      }));
      settle(null, files);
    });
  });
}
