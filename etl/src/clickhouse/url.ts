// Moved to @refunds/engine-clickhouse (shared by the loader and the server); this keeps the loader's imports.
export * from '@refunds/engine-clickhouse';
