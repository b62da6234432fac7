/**
 * Maps key paths in a parsed YAML document back to lines and columns, so that problems found by
 * the schema or by later checks can name the line of `tierwise.yaml` they are about.
 */
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface YamlPosition {
  line: number;
  column: number;
}

export class YamlPositions {
  constructor(
    private readonly document: Document,
    private readonly lineCounter: LineCounter,
  ) {}

  /** Position of the deepest node on `path` that exists: the key itself where there is one. */
  of(path: readonly PropertyKey[]): YamlPosition | undefined {
    let node: unknown = this.document.contents;
    let offset = rangeStart(node);
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (item) =>
            isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
        );
        if (!pair) break;
        offset = rangeStart(pair.key) ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (item === undefined) break;
        offset = rangeStart(item) ?? offset;
        node = item;
      } else {
        break;
      }
    }
    return offset === undefined ? undefined : this.position(offset);
  }

  /**
   * Position of a character inside the scalar value at `path` (e.g. a time equation), accounting
   * for an opening quote. Block scalars fall back to the value's first line.
   */
  ofValueCharacter(
    path: readonly PropertyKey[],
    characterOffset: number,
  ): YamlPosition | undefined {
    const node = this.document.getIn(path as unknown[], true);
    if (!isScalar(node) || !node.range) return this.of(path);
    const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
    const block = node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL';
    if (block) return this.position(node.range[0]);
    return this.position(node.range[0] + (quoted ? 1 : 0) + characterOffset);
  }

  private position(offset: number): YamlPosition {
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}
