import type { ReactNode } from 'react';
import { SelectField } from './Field';
import { useFilters } from './useFilters';

/** A choice kept in the URL as `param`: one of `options`, `fallback` when the URL has none or an unknown one. */
export interface ParamChoice<V extends string | number> {
  param: string;
  options: readonly V[];
  fallback: V;
  testId: string;
}

/** The current value of a URL choice. */
export function useParamChoice<V extends string | number>(choice: ParamChoice<V>): V {
  const raw = useFilters().param(choice.param);
  return choice.options.find((o) => String(o) === raw) ?? choice.fallback;
}

/** A select of a URL choice; picking the fallback drops the parameter so links stay short. */
export function ParamSelect<V extends string | number>({
  choice,
  label,
  optionLabel,
  labelClass = 'control',
}: {
  choice: ParamChoice<V>;
  label: string;
  optionLabel: (option: V) => ReactNode;
  labelClass?: string;
}) {
  const { setParams } = useFilters();
  const value = useParamChoice(choice);
  return (
    <SelectField
      label={label}
      labelClass={labelClass}
      value={value}
      options={choice.options}
      optionLabel={optionLabel}
      onValue={(v) => setParams({ [choice.param]: v === String(choice.fallback) ? null : v })}
      data-testid={choice.testId}
    />
  );
}
