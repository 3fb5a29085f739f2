import { LOCALES, useI18n } from './i18n';

const NAMES = { en: 'English', 'zh-CN': '简体中文' } as const;

export function LocaleSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <label className="locale-switch">
      <span className="sr-only">{t('language')}</span>
      <select value={locale} onChange={(e) => setLocale(e.target.value as (typeof LOCALES)[number])} data-testid="locale-switch" aria-label={t('language')}>
        {LOCALES.map((l) => (
          <option key={l} value={l}>
            {NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
