import { useId } from 'react';
import { useI18n } from './i18n';

/** A metric's name with its catalog formula and caveat as a tooltip (hover or keyboard focus). */
export function MetricLabel({ name, suffix }: { name: string; suffix?: string }) {
  const { locale, t, metricDef } = useI18n();
  const id = useId();
  const def = metricDef(name);
  if (!def) return <span>{name}</span>;
  const formula = def.formula[locale];
  const caveat = def.caveat?.[locale];
  return (
    <span className="metric-label" tabIndex={0} aria-describedby={id} data-metric={name}>
      {def.label[locale]}
      {suffix}
      <span className="info-dot" aria-hidden="true">
        i
      </span>
      <span role="tooltip" id={id} className="tooltip">
        <span className="tooltip-row">
          <b>{t('metric.formula')}:</b> {formula}
        </span>
        {caveat && (
          <span className="tooltip-row">
            <b>{t('metric.caveat')}:</b> {caveat}
          </span>
        )}
      </span>
    </span>
  );
}
