/** Engine version: part of every cache key and run manifest. Bump when outputs change. */
export const ENGINE_VERSION = '0.3.1';
