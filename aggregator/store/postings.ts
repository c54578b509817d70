// Set operations on postings lists: ascending arrays of series ids, each id once. Series ids are handed out in
// increasing order, so appending a new id keeps every list sorted without a sort.

export type Postings = readonly number[];

export function intersect(a: Postings, b: Postings): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out;
}

/** Ids in `a` that are not in `b`. */
export function subtract(a: Postings, b: Postings): number[] {
  if (b.length === 0) return a.slice();
  const out: number[] = [];
  let j = 0;
  for (const x of a) {
    while (j < b.length && (b[j] as number) < x) j++;
    if (j === b.length || b[j] !== x) out.push(x);
  }
  return out;
}

/** The union of several lists, sorted, each id once. */
export function union(lists: readonly Postings[]): number[] {
  if (lists.length === 0) return [];
  if (lists.length === 1) return (lists[0] as Postings).slice();
  let total = 0;
  for (const l of lists) total += l.length;
  // One typed-array sort beats a k-way merge once a regex selects many values (e.g. `=~".+"`).
  const all = new Float64Array(total);
  let k = 0;
  for (const l of lists) for (const id of l) all[k++] = id;
  all.sort();
  const out: number[] = [];
  for (let i = 0; i < total; i++) if (i === 0 || all[i] !== all[i - 1]) out.push(all[i] as number);
  return out;
}

/** Removes ids in `gone` from a sorted list in place; returns the list. */
export function removeIds(list: number[], gone: ReadonlySet<number>): number[] {
  let w = 0;
  for (const id of list) if (!gone.has(id)) list[w++] = id;
  list.length = w;
  return list;
}
