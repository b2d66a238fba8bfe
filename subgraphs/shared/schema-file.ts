import { readFileSync } from 'node:fs';
import { parse, type DocumentNode } from 'graphql';

/** A department's `schema.graphql`: the SDL compose reads is the SDL the subgraph serves. */
export const loadSchema = (path: string): DocumentNode => parse(readFileSync(path, 'utf8'));
