import type { FormHTMLAttributes, InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from 'react';

/** A form control with its caption above it (`label.field`); `onValue` gets the new value. */
type Labelled<A> = Omit<A, 'onChange'> & { label: string; onValue: (value: string) => void; grow?: boolean };

export function InputField({ label, onValue, grow, ...input }: Labelled<InputHTMLAttributes<HTMLInputElement>>) {
  return (
    <label className={grow ? 'field grow' : 'field'}>
      <span className="field-label">{label}</span>
      <input {...input} onChange={(e) => onValue(e.target.value)} />
    </label>
  );
}

/** A labelled select: any `children` (such as a "none" choice) first, then one option per entry of `options`. */
export function SelectField<V extends string | number>({
  label,
  onValue,
  grow,
  labelClass = grow ? 'field grow' : 'field',
  options = [],
  optionLabel = String,
  children,
  ...select
}: Labelled<SelectHTMLAttributes<HTMLSelectElement>> & {
  /** The caption's class: `control` in a page's controls, `field inline` in a panel's header. */
  labelClass?: string;
  options?: readonly V[];
  optionLabel?: (option: V) => ReactNode;
  children?: ReactNode;
}) {
  return (
    <label className={labelClass}>
      <span className="field-label">{label}</span>
      <select {...select} onChange={(e) => onValue(e.target.value)}>
        {children}
        {options.map((o) => (
          <option key={o} value={o}>
            {optionLabel(o)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A form that runs `onSubmit` in place of the browser's submission (which would reload the page). */
export function ActionForm({ onSubmit, ...form }: Omit<FormHTMLAttributes<HTMLFormElement>, 'onSubmit'> & { onSubmit: () => unknown }) {
  return (
    <form
      {...form}
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit();
      }}
    />
  );
}
