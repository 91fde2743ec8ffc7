export type * from './wedding.js';
export type * from './file.js';
export type * from './destination.js';
export type * from './snapshot.js';
export type * from './status.js';
export type * from './cost.js';
export type * from './audit.js';
export type * from './notification.js';
