import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { DataTable, type Column } from '../common/DataTable';
import { useI18n } from '../common/i18n';
import type { MessageKey } from '../common/messages';
import { Panel } from '../common/Panel';
import { tableCountColumns } from './tableColumns';
import { UPLOAD_FORMATS, sendFiles, uploadApi, UploadError, type UploadFormat, type UploadLimits, type UploadProgress, type UploadReject, type UploadSummary, type UploadView } from './uploads';

type Step = 'idle' | 'uploading' | 'ready' | 'previewing' | 'previewed' | 'committing' | 'committed';

const FORMAT_LABEL: Record<UploadFormat, MessageKey> = {
  'shopify-orders': 'upload.format.shopify-orders',
  'stripe-refunds': 'upload.format.stripe-refunds',
  'zendesk-tickets': 'upload.format.zendesk-tickets',
  'nps-survey': 'upload.format.nps-survey',
  mapping: 'upload.format.mapping',
  load: 'upload.format.load',
};

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

function useBytes(): (n: number) => string {
  const { fmt } = useI18n();
  return (n) => {
    let v = n;
    let i = 0;
    while (v >= 1024 && i < UNITS.length - 1) {
      v /= 1024;
      i++;
    }
    return `${fmt.number(v, i === 0 ? 0 : 1)} ${UNITS[i]}`;
  };
}

function ProgressBar({ fraction, label, testId }: { fraction: number; label: string; testId: string }) {
  const pct = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
  return (
    <div className="upload-progress" data-testid={testId}>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={label}>
        <span style={{ width: `${pct}%` }} />
      </div>
      <span className="small muted">
        {label} · {pct}%
      </span>
    </div>
  );
}

function PreviewResult({ summary, warnings, committed }: { summary: UploadSummary; warnings: string[]; committed: boolean }) {
  const { t, fmt } = useI18n();
  type T = UploadSummary['tables'][number];
  const sum = (k: 'read' | 'loaded' | 'rejected' | 'replaced' | 'unchanged') => summary.tables.reduce((a, r) => a + r[k], 0);
  const cols = tableCountColumns<T>(t, fmt);
  const rejectCols: Column<UploadReject>[] = [
    { key: 'table', header: t('data.col.table'), value: (r) => r.table },
    { key: 'file', header: t('data.col.file'), value: (r) => r.file },
    { key: 'line', header: t('data.col.line'), numeric: true, value: (r) => r.line, text: (r) => fmt.number(r.line) },
    { key: 'column', header: t('data.col.column'), value: (r) => r.column },
    { key: 'value', header: t('data.col.value'), value: (r) => r.value, text: (r) => r.value ?? '∅' },
    { key: 'reason', header: t('data.col.reason'), value: (r) => r.reason },
  ];
  const rejects = summary.rejects ?? [];
  const title = committed ? t('upload.committedTables', { id: summary.loadId }) : t('upload.previewTables');
  const stats = [
    ['read', t('upload.rowsRead'), 'preview-read'],
    ['loaded', committed ? t('upload.rowsLoaded') : t('upload.rowsToLoad'), 'preview-loaded'],
    ['unchanged', t('upload.rowsUnchanged'), undefined],
    ['rejected', t('upload.rowsRejected'), 'preview-rejected'],
  ] as const;
  return (
    <div className="upload-result" data-testid="preview-summary">
      <div className="stat-row upload-stats">
        {stats.map(([k, label, testId]) => (
          <div className="stat" key={k}>
            <div className="card-label">{label}</div>
            <div className="big-number" data-testid={testId}>
              {fmt.number(sum(k))}
            </div>
          </div>
        ))}
      </div>
      <DataTable title={title} rows={summary.tables} columns={cols} rowKey={(r) => r.table} caption={title} compact />
      {summary.conflicts && summary.conflicts.length > 0 && (
        <div data-testid="preview-conflicts">
          <h3>{t('upload.conflicts')}</h3>
          <ul>
            {summary.conflicts.map((c) => (
              <li key={c.kind}>
                <code>{c.kind}</code>: {fmt.number(c.count)}
              </li>
            ))}
          </ul>
        </div>
      )}
      {!committed && rejects.length > 0 && (
        <div data-testid="preview-rejects">
          <h3>{t('upload.firstRejects', { n: rejects.length, total: sum('rejected') })}</h3>
          <DataTable title={t('upload.firstRejectsTitle')} rows={rejects} columns={rejectCols} rowKey={(r, i) => `${r.file}|${r.line}|${r.column}|${i}`} compact />
        </div>
      )}
      {warnings.length > 0 && (
        <details className="upload-warnings">
          <summary>{t('upload.warnings', { n: warnings.length })}</summary>
          <ul>
            {warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

/**
 * Upload in the browser (admins): drop exports, confirm their formats, see the load's preview
 * (the real load rolled back on the server), then commit or cancel.
 */
export function UploadPanel({ onCommitted }: { onCommitted: () => void }) {
  const { t } = useI18n();
  const bytes = useBytes();
  const [limits, setLimits] = useState<UploadLimits | null>(null);
  const [step, setStep] = useState<Step>('idle');
  const [upload, setUpload] = useState<UploadView | null>(null);
  const [formats, setFormats] = useState<Record<string, UploadFormat | ''>>({});
  const [sent, setSent] = useState<{ sent: number; total: number }>({ sent: 0, total: 0 });
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const mappingInput = useRef<HTMLInputElement>(null);
  const abort = useRef<(() => void) | null>(null);

  useEffect(() => {
    uploadApi<UploadLimits>('GET', '')
      .then(setLimits)
      .catch((e: unknown) => setError((e as Error).message));
    return () => abort.current?.();
  }, []);

  const fail = (e: unknown) => setError(e instanceof UploadError || e instanceof Error ? e.message : String(e));

  const chosen = (u: UploadView, f: Record<string, UploadFormat | ''>) =>
    Object.fromEntries(u.files.map((file) => [file.name, f[file.name] || file.detected || ''])) as Record<string, UploadFormat | ''>;
  const missing = (u: UploadView | null, f: Record<string, UploadFormat | ''>) =>
    !u || u.files.some((file) => !f[file.name]) || (u.files.some((file) => f[file.name] === 'mapping') && !u.mapping);

  const run = useCallback(
    async (mode: 'preview' | 'commit', u: UploadView, f: Record<string, UploadFormat | ''>) => {
      setError(null);
      setStep(mode === 'preview' ? 'previewing' : 'committing');
      setProgress({ phase: 'converting', fraction: 0 });
      let polling = true;
      const poll = async () => {
        while (polling) {
          await new Promise((r) => setTimeout(r, 300));
          if (!polling) break;
          const v = await uploadApi<UploadView>('GET', `/${u.id}`).catch(() => null);
          if (polling && v?.progress) setProgress(v.progress);
        }
      };
      void poll();
      try {
        const v = await uploadApi<UploadView>('POST', `/${u.id}/${mode}`, { formats: Object.fromEntries(Object.entries(f).filter(([, x]) => x)) });
        setUpload(v);
        setStep(mode === 'preview' ? 'previewed' : 'committed');
        if (mode === 'commit') onCommitted();
      } catch (e) {
        fail(e);
        setStep('ready');
      } finally {
        polling = false;
        setProgress(null);
      }
    },
    [onCommitted],
  );

  const start = (files: File[]) => {
    if (files.length === 0) return;
    setError(null);
    const total = files.reduce((a, f) => a + f.size, 0);
    if (limits && total > limits.maxBytes) {
      setError(t('upload.tooLarge', { size: bytes(total), max: bytes(limits.maxBytes) }));
      return;
    }
    setStep('uploading');
    setSent({ sent: 0, total });
    const req = sendFiles(
      '',
      files.map((file) => ({ field: 'files', file })),
      (s, tot) => setSent({ sent: s, total: tot }),
    );
    abort.current = req.abort;
    req.done
      .then((u) => {
        abort.current = null;
        const f = chosen(u, {});
        setUpload(u);
        setFormats(f);
        setStep('ready');
        // Every format known: show the preview straight away.
        if (!missing(u, f)) void run('preview', u, f);
      })
      .catch((e: unknown) => {
        abort.current = null;
        fail(e);
        setStep('idle');
      });
  };

  const sendMapping = (file: File | undefined) => {
    if (!file || !upload) return;
    setError(null);
    sendFiles(`/${upload.id}/mapping`, [{ field: 'mapping', file }], () => undefined)
      .done.then((u) => {
        const f = chosen(u, formats);
        setUpload(u);
        setFormats(f);
        setStep('ready');
      })
      .catch(fail);
  };

  const cancel = async () => {
    abort.current?.();
    if (upload && step !== 'committed') await uploadApi('DELETE', `/${upload.id}`).catch(fail);
    setUpload(null);
    setFormats({});
    setStep('idle');
    setError(null);
  };

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setOver(false);
    if (step === 'idle' || step === 'committed') start(Array.from(e.dataTransfer.files));
  };

  const busy = step === 'uploading' || step === 'previewing' || step === 'committing';
  const phaseLabel = (p: UploadProgress) => `${t(step === 'committing' ? 'upload.committing' : 'upload.previewing')}: ${p.phase}${p.table && p.table !== 'facts' ? ` ${p.table}` : ''}`;
  const needsMapping = !!upload && upload.files.some((f) => formats[f.name] === 'mapping');

  return (
    <Panel title={t('upload.title')} hint={limits ? t('upload.hint', { max: bytes(limits.maxBytes) }) : undefined} className="upload-panel">
      {(step === 'idle' || step === 'committed') && (
        <div
          className={`dropzone${over ? ' over' : ''}`}
          data-testid="upload-drop"
          onDragOver={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={onDrop}
        >
          <p>{t('upload.drop')}</p>
          <button type="button" className="btn" onClick={() => input.current?.click()}>
            {t('upload.choose')}
          </button>
          <input
            ref={input}
            type="file"
            multiple
            hidden
            data-testid="upload-input"
            accept=".csv,.json,.jsonl,.ndjson,.parquet,.yaml,.yml"
            onChange={(e) => {
              start(Array.from(e.target.files ?? []));
              e.target.value = '';
            }}
          />
        </div>
      )}
      {step === 'uploading' && <ProgressBar testId="upload-progress" fraction={sent.total ? sent.sent / sent.total : 0} label={t('upload.uploading', { size: bytes(sent.total) })} />}
      {upload && step !== 'uploading' && step !== 'committed' && (
        <div className="upload-files">
          <table className="data-table compact">
            <thead>
              <tr>
                <th>{t('data.col.file')}</th>
                <th className="num">{t('upload.size')}</th>
                <th>{t('upload.format')}</th>
                <th>{t('upload.detected')}</th>
              </tr>
            </thead>
            <tbody>
              {upload.files.map((f, i) => (
                <tr key={f.name}>
                  <td title={f.originalName}>{f.name}</td>
                  <td className="num">{bytes(f.size)}</td>
                  <td>
                    <select
                      aria-label={t('upload.formatOf', { name: f.name })}
                      data-testid={`upload-format-${i}`}
                      value={formats[f.name] ?? ''}
                      disabled={busy}
                      onChange={(e) => {
                        setFormats({ ...formats, [f.name]: e.target.value as UploadFormat | '' });
                        if (step === 'previewed') setStep('ready');
                      }}
                    >
                      <option value="">{t('upload.pickFormat')}</option>
                      {UPLOAD_FORMATS.map((x) => (
                        <option key={x} value={x}>
                          {t(FORMAT_LABEL[x])}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="small muted">{f.note}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {needsMapping && (
            <p className="upload-mapping">
              {upload.mapping ? t('upload.mappingIs', { name: upload.mapping.originalName }) : t('upload.mappingNeeded')}{' '}
              <button type="button" className="btn" disabled={busy} onClick={() => mappingInput.current?.click()}>
                {upload.mapping ? t('upload.mappingReplace') : t('upload.mappingChoose')}
              </button>
              <input
                ref={mappingInput}
                type="file"
                hidden
                data-testid="upload-mapping-input"
                accept=".yaml,.yml,.json"
                onChange={(e) => {
                  sendMapping(e.target.files?.[0]);
                  e.target.value = '';
                }}
              />
            </p>
          )}
        </div>
      )}
      {(step === 'previewing' || step === 'committing') && progress && (
        <ProgressBar testId="load-progress" fraction={progress.fraction} label={phaseLabel(progress)} />
      )}
      {error && (
        <p className="error-text" role="alert" data-testid="upload-error">
          {error}
        </p>
      )}
      {upload?.summary && (step === 'previewed' || step === 'committed') && (
        <PreviewResult summary={upload.summary} warnings={upload.warnings} committed={step === 'committed'} />
      )}
      {step === 'committed' && upload?.summary && (
        <p className="upload-done" data-testid="upload-done">
          {t('upload.done', { id: upload.summary.loadId })}
        </p>
      )}
      {upload && step !== 'committed' && (
        <div className="upload-actions">
          {step === 'ready' && (
            <button type="button" className="btn" data-testid="upload-preview" disabled={missing(upload, formats)} onClick={() => void run('preview', upload, formats)}>
              {t('upload.preview')}
            </button>
          )}
          <button
            type="button"
            className="btn primary"
            data-testid="upload-commit"
            disabled={step !== 'previewed' || missing(upload, formats)}
            onClick={() => void run('commit', upload, formats)}
          >
            {t('upload.commit')}
          </button>
          <button type="button" className="btn" data-testid="upload-cancel" disabled={step === 'previewing' || step === 'committing'} onClick={() => void cancel()}>
            {t('common.cancel')}
          </button>
        </div>
      )}
    </Panel>
  );
}
