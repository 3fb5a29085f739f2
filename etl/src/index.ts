export * from './db/sql';
export * from './db/duckdb';
export * from './load/errors';
export * from './load/tables';
export * from './load/schema';
export * from './load/derive';
export { loadFiles, type LoadOptions, type LoadSummary, type TableSummary, type LoadProgress, type LoadPhase } from './load/load';
export { convertExport, IMPORT_FORMATS, ImportError, type ImportFormat } from './importers';
export { generateDataset } from './generate/generate';
