/**
 * Reading a YAML file the user wrote (the model, a scenario overlay, a price menu): syntax errors
 * become problems with their line and column, and every later problem can find its line through
 * the positions. One reader, so every YAML file tierwise reads fails the same way.
 */
import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import { TierwiseError, type SourceLocation } from '../errors.js';
import { YamlPositions } from './yaml-positions.js';

/**
 * How many times aliases may copy their anchor's nodes (the YAML library's own guard, counted the
 * way it counts them). A model has no use for aliases that copy more: beyond it, a few lines of
 * `*anchor` would expand to gigabytes (a "billion laughs" file).
 */
const MAX_ALIAS_COUNT = 100;

export interface YamlFile {
  readonly document: Document;
  /** The document as plain values (maps as objects), for the schema. */
  readonly data: unknown;
  readonly positions: YamlPositions;
  /** The file, line and dotted key of a key path, for problems found after parsing. */
  at(keyPath: readonly PropertyKey[]): SourceLocation;
}

/** Parses `text` (duplicate keys are errors); `display` names the file in problems. */
export function parseYamlFile(text: string, display: string): YamlFile {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new TierwiseError(
      document.errors.map((error) => ({
        code: 'model_syntax' as const,
        message: `YAML syntax: ${error.message.split('\n')[0]}`,
        location: { file: display, line: error.linePos?.[0].line, column: error.linePos?.[0].col },
        hint: 'check the indentation and that strings containing ": " or "#" are quoted',
      })),
    );
  }
  const positions = new YamlPositions(document, lineCounter);
  return {
    document,
    data: plainData(document, lineCounter, display),
    positions,
    at: (keyPath) => ({
      file: display,
      line: positions.of(keyPath)?.line,
      key: keyPath.join('.') || undefined,
    }),
  };
}

/** `document.toJS()`, with aliases that expand too far refused as a mistake in the file. */
function plainData(document: Document, lineCounter: LineCounter, display: string): unknown {
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // The library signals an alias expansion past the limit with a ReferenceError ("Excessive
    // alias count…"); anything else it throws here is not the user's doing.
    if (!(error instanceof ReferenceError) || !/alias/i.test(error.message)) throw error;
    let first: { line: number; col: number } | undefined;
    visit(document, {
      Alias(_, node) {
        if (node.range) first = lineCounter.linePos(node.range[0]);
        return visit.BREAK;
      },
    });
    throw new TierwiseError({
      code: 'model_syntax',
      message: `YAML aliases (*name) expand to too much data: together they copy their anchors more than ${MAX_ALIAS_COUNT} times`,
      location: { file: display, line: first?.line, column: first?.col },
      hint: 'write the values out instead of repeating them through aliases (a file that copies anchors inside anchors grows exponentially)',
    });
  }
}
