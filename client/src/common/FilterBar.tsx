import { useEffect, useState } from 'react';
import { presetRange, type ListKey, type Preset } from './filters';
import { useI18n } from './i18n';
import type { MessageKey } from './messages';
import { MultiSelect, type Option } from './MultiSelect';
import { SavedViews } from './SavedViews';
import { useSession } from './session';
import { errorText } from './States';
import { useFilters } from './useFilters';
import { InputField } from './Field';

const PRESETS: readonly Preset[] = ['30d', '90d', '12m', 'all'];

export function FilterBar({ viewsOnly = false }: { viewsOnly?: boolean }) {
  const { t, fmt, setCurrency } = useI18n();
  const { filter, setFilter } = useFilters();
  const { options, canSeeAgents } = useSession();
  const o = options.data?.filterOptions;
  const [from, setFrom] = useState(filter.from ?? '');
  const [to, setTo] = useState(filter.to ?? '');
  useEffect(() => setFrom(filter.from ?? ''), [filter.from]);
  useEffect(() => setTo(filter.to ?? ''), [filter.to]);
  useEffect(() => {
    if (o?.reportingCurrency) setCurrency(o.reportingCurrency);
  }, [o?.reportingCurrency, setCurrency]);

  const badRange = !!from && !!to && from >= to;
  const applyDates = (f: string, tt: string) => {
    if (f && tt && f >= tt) return;
    setFilter({ from: f || null, to: tt || null });
  };

  const opts = (xs: readonly string[] | undefined): Option[] => (xs ?? []).map((v) => ({ value: v, label: v }));
  const lists: Array<{ key: ListKey; label: MessageKey; options: Option[] }> = [
    { key: 'channels', label: 'filter.channels', options: opts(o?.channels) },
    { key: 'productLines', label: 'filter.productLines', options: opts(o?.productLines) },
    { key: 'teams', label: 'filter.teams', options: opts(o?.teams) },
    { key: 'campaigns', label: 'filter.campaigns', options: opts(o?.campaigns) },
    { key: 'reasonCodes', label: 'filter.reasonCodes', options: opts(o?.reasonCodes) },
  ];
  if (canSeeAgents)
    lists.push({
      key: 'agentIds',
      label: 'filter.agentIds',
      options: (o?.agents ?? []).map((a) => ({ value: a.agentId, label: a.name ? `${a.name} (${a.agentId})` : a.agentId })),
    });

  const activePreset =
    o?.minDate && o.maxDate
      ? PRESETS.find((p) => {
          const r = presetRange(p, o.minDate!, o.maxDate!);
          return r.from === filter.from && r.to === filter.to;
        })
      : undefined;

  if (viewsOnly) {
    return (
      <section className="filter-bar views-only" aria-label={t('views.title')}>
        <div className="filter-row">
          <div className="spacer" />
          <SavedViews />
        </div>
      </section>
    );
  }
  return (
    <section className="filter-bar" aria-label={t('filter.title')} data-testid="filter-bar">
      <div className="filter-row">
        <InputField
          label={t('filter.from')}
          type="date"
          name="from"
          value={from}
          min={o?.minDate ?? undefined}
          onValue={(v) => {
            setFrom(v);
            applyDates(v, to);
          }}
          aria-invalid={badRange}
        />
        <InputField
          label={t('filter.to')}
          type="date"
          name="to"
          value={to}
          onValue={(v) => {
            setTo(v);
            applyDates(from, v);
          }}
          aria-invalid={badRange}
        />
        {o?.minDate && o.maxDate && (
          <div className="presets" role="group">
            {PRESETS.map((p) => (
              <button
                key={p}
                type="button"
                className={`chip${activePreset === p ? ' active' : ''}`}
                aria-pressed={activePreset === p}
                onClick={() => setFilter(presetRange(p, o.minDate!, o.maxDate!))}
                data-preset={p}
              >
                {t(`filter.preset.${p}` as MessageKey)}
              </button>
            ))}
          </div>
        )}
        {o?.minDate && o.maxDate && (
          <span className="muted small data-range">{t('filter.dataRange', { from: fmt.date(o.minDate), to: fmt.date(o.maxDate) })}</span>
        )}
        <div className="spacer" />
        <SavedViews />
      </div>
      {badRange && <p className="error-text small">{t('filter.badRange')}</p>}
      <div className="filter-row">
        {lists.map((l) => (
          <MultiSelect
            key={l.key}
            label={t(l.label)}
            options={l.options}
            selected={filter[l.key]}
            onChange={(next) => setFilter({ [l.key]: next })}
            testId={`filter-${l.key}`}
          />
        ))}
        <button
          type="button"
          className="btn subtle"
          onClick={() => setFilter({ from: null, to: null, channels: [], productLines: [], teams: [], campaigns: [], reasonCodes: [], agentIds: [] })}
        >
          {t('filter.clear')}
        </button>
      </div>
      {options.error && (
        <p className="error-text small" role="alert">
          {t('filter.optionsError', { msg: errorText(t, options.error) })}
        </p>
      )}
    </section>
  );
}
