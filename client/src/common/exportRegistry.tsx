import { createContext, useContext, useEffect, useId, useRef, type ReactNode } from 'react';
import type { Cell } from './csv';

export interface ExportTable {
  title: string;
  headers: string[];
  /** Raw values for CSV. */
  rows: Cell[][];
  /** Formatted values for the PDF; empty for a CSV-only table. */
  text: string[][];
}

export interface ExportNumber {
  label: string;
  value: string;
  note?: string;
}

export interface ExportRegistry {
  tables: Map<string, ExportTable>;
  numbers: Map<string, { title: string; items: ExportNumber[] }>;
  sentences: Map<string, string>;
}

const Ctx = createContext<ExportRegistry | null>(null);

export function ExportScope({ registry, children }: { registry: ExportRegistry; children: ReactNode }) {
  return <Ctx.Provider value={registry}>{children}</Ctx.Provider>;
}

export function useNewRegistry(): ExportRegistry {
  const ref = useRef<ExportRegistry | null>(null);
  if (!ref.current) ref.current = { tables: new Map(), numbers: new Map(), sentences: new Map() };
  return ref.current;
}

/** Registers a table for the CSV and PDF exports while the component is mounted. */
export function useExportTable(table: ExportTable | null): void {
  const reg = useContext(Ctx);
  const id = useId();
  const json = table ? JSON.stringify(table) : '';
  useEffect(() => {
    if (!reg || !json) return;
    reg.tables.set(id, JSON.parse(json) as ExportTable);
    return () => void reg.tables.delete(id);
  }, [reg, id, json]);
}

export function useExportNumbers(title: string, items: ExportNumber[] | null): void {
  const reg = useContext(Ctx);
  const id = useId();
  const json = items ? JSON.stringify(items) : '';
  useEffect(() => {
    if (!reg || !json) return;
    reg.numbers.set(id, { title, items: JSON.parse(json) as ExportNumber[] });
    return () => void reg.numbers.delete(id);
  }, [reg, id, json, title]);
}

export function useExportSentence(text: string | null): void {
  const reg = useContext(Ctx);
  const id = useId();
  useEffect(() => {
    if (!reg || !text) return;
    reg.sentences.set(id, text);
    return () => void reg.sentences.delete(id);
  }, [reg, id, text]);
}
