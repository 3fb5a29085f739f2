import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from 'react';

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

export function SelectField({ label, onValue, grow, children, ...select }: Labelled<SelectHTMLAttributes<HTMLSelectElement>> & { children: ReactNode }) {
  return (
    <label className={grow ? 'field grow' : 'field'}>
      <span className="field-label">{label}</span>
      <select {...select} onChange={(e) => onValue(e.target.value)}>
        {children}
      </select>
    </label>
  );
}
