export * from './url';
export * from './client';
export * from './literal';
export * from './expressions';
export * from './schema';
export * from './dialect';
export * from './engine';
export * from './local-cluster';
