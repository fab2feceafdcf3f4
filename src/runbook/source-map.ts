import { isMap, isPair, isScalar, LineCounter, type Document, type Node } from 'yaml';

/** A place in a runbook file, 1-based as editors show it. */
export interface Position {
  line: number;
  col: number;
}

/** Finds the line and column of a value (or of a key) by its path in the parsed document. */
export class SourceMap {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Position of the node at `path`, or of its nearest existing ancestor. */
  at(path: readonly PropertyKey[], key?: string): Position {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = this.doc.getIn(path.slice(0, depth) as unknown[], true) as Node | undefined;
      if (!node) continue;
      if (key !== undefined && depth === path.length && isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
        const keyNode = pair?.key as Node | undefined;
        if (keyNode?.range) return this.position(keyNode.range[0]);
      }
      if (node.range) return this.position(node.range[0]);
    }
    return { line: 1, col: 1 };
  }

  position(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, col };
  }
}
