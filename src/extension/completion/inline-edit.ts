/** A place in a document as VS Code counts it: 0-based line, and characters into that line. */
export interface EditorPosition {
  line: number;
  character: number;
}

/** The suggest widget's selected item: VS Code shows an inline suggestion then only if it extends this one. */
export interface SelectedSuggestion {
  start: EditorPosition;
  end: EditorPosition;
  text: string;
}

/** What to ask the core for, and where in the editor its answer goes. */
export interface CompletionPlan {
  /** The document as the core should see it (with the selected item applied, if any) and the cursor offset in it. */
  text: string;
  offset: number;
  /** The range VS Code replaces: on one line, from `start` to `end` characters. */
  line: number;
  start: number;
  end: number;
  /** What that range holds before the suggestion; the insert text starts with it. */
  lead: string;
}

/** An inline suggestion ready for VS Code: replace `line`'s characters `start` to `end` with `insertText`. */
export interface InlineSuggestion {
  line: number;
  start: number;
  end: number;
  insertText: string;
}

/**
 * Plans a request at the cursor. The range handed to VS Code runs from the line's start to the cursor
 * (a replacement, not an insertion), so the suggestion stays up while the user types into it or
 * deletes what they typed, and accepting all or part of it is VS Code's own doing. With the suggest
 * widget open, the plan completes after the selected item and replaces exactly that item's range, as
 * VS Code requires; undefined when that item is not on the cursor's line.
 */
export function planCompletion(
  text: string,
  cursor: EditorPosition,
  selected?: SelectedSuggestion,
): CompletionPlan | undefined {
  const starts = lineStarts(text);
  const at = (position: EditorPosition) => starts[position.line] + position.character;
  if (!selected) {
    const lineStart = starts[cursor.line];
    return {
      text,
      offset: at(cursor),
      line: cursor.line,
      start: 0,
      end: cursor.character,
      lead: text.slice(lineStart, at(cursor)),
    };
  }
  if (selected.start.line !== cursor.line || selected.end.line !== cursor.line) return undefined;
  const from = at(selected.start);
  return {
    text: text.slice(0, from) + selected.text + text.slice(at(selected.end)),
    offset: from + selected.text.length,
    line: cursor.line,
    start: selected.start.character,
    end: selected.end.character,
    lead: selected.text,
  };
}

/**
 * The core's completion (the text to insert at the cursor) as VS Code's inline suggestion; undefined when it is empty.
 */
export function suggestionFor(plan: CompletionPlan, completion: string): InlineSuggestion | undefined {
  if (completion === '') return undefined;
  return { line: plan.line, start: plan.start, end: plan.end, insertText: plan.lead + completion };
}

/** Offset of each line's first character; a `\r` before a `\n` belongs to the line it ends. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}
