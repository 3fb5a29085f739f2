import { useFilters } from './useFilters';

/**
 * A number input kept in the URL as `param`. The page reads the value back with numberParam (which
 * clamps it); the default is left out of the URL so links stay short.
 */
export function NumberParamInput(props: { label: string; param: string; value: number; fallback: number; min: number; max: number; step?: number }) {
  const { setParams } = useFilters();
  const { label, param, value, fallback, min, max, step } = props;
  return (
    <label className="control">
      <span className="field-label">{label}</span>
      <input
        type="number"
        min={min}
        max={max}
        step={step}
        value={value}
        style={{ width: 80 }}
        onChange={(e) => setParams({ [param]: e.target.value !== '' && Number(e.target.value) !== fallback ? e.target.value : null })}
      />
    </label>
  );
}
