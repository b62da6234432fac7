/**
 * Reading a YAML file the user wrote (the model, a scenario overlay, a price menu): syntax errors
 * become problems with their line and column, and every later problem can find its line through
 * the positions. One reader, so every YAML file tierwise reads fails the same way.
 */
import { LineCounter, parseDocument, type Document } from 'yaml';
import { TierwiseError, type SourceLocation } from '../errors.js';
import { YamlPositions } from './yaml-positions.js';

export interface YamlFile {
  readonly document: Document;
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
    positions,
    at: (keyPath) => ({
      file: display,
      line: positions.of(keyPath)?.line,
      key: keyPath.join('.') || undefined,
    }),
  };
}
