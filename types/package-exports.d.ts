/**
 * graphql-ws publishes these entry points through package.json `exports` only, which
 * this project's module resolution (node) does not read for types; node, tsx and jest
 * resolve them at run time. Type-only: nothing here is emitted.
 */
declare module 'graphql-ws/client' {
  export * from 'graphql-ws/dist/client';
}
declare module 'graphql-ws/use/ws' {
  export * from 'graphql-ws/dist/use/ws';
}
