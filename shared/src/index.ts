export * from './types';
export * from './catalog';
export * from './reason-families';
export * from './stats';
export * from './matched';
export * from './chromium';
export * from './links';
export * from './random';
