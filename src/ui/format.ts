/** Text helpers shared by the screens and the plain reporter: widths are in terminal columns. */

/** "0.3s", "12.4s", "2m 05s": short enough for a step-list column. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
}

/** Cuts text to `width` columns, marking the cut with an ellipsis. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}

/**
 * Wraps text at `width` columns into at most `maxLines` lines; when more would be needed the last
 * line says how many were left out. Lets a view know its height before Ink lays it out.
 */
export function wrapLines(text: string, width: number, maxLines: number): string[] {
  const out: string[] = [];
  const w = Math.max(10, width);
  for (const raw of text.split('\n')) {
    let line = raw.replace(/\t/g, '  ');
    if (line.length === 0) out.push('');
    // Break at a space when one is near the end; continuation lines are indented two columns.
    for (let first = true; line.length > 0; first = false) {
      const room = first ? w : w - 2;
      let cut = line.length <= room ? line.length : line.lastIndexOf(' ', room);
      if (cut < room / 2) cut = Math.min(room, line.length);
      out.push(`${first ? '' : '  '}${line.slice(0, cut)}`);
      line = line.slice(cut).replace(/^ /, '');
    }
  }
  if (out.length <= maxLines) return out;
  const kept = out.slice(0, Math.max(0, maxLines - 1));
  kept.push(`… ${out.length - kept.length} more line(s)`);
  return kept;
}

/** A text progress bar that reads without colour: `[██████░░░░] 2/3 pods ready`. */
export function progressBar(done: number, total: number, width: number, label?: string): string {
  const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(ratio * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total}${label ? ` ${label}` : ''}`;
}
