/**
 * ROC AUC of a score separating positives from negatives: the probability that a random positive scores higher
 * than a random negative, ties counting half (Mann–Whitney U / (n₊ n₋)), from ranks in O(n log n).
 */
export function rocAuc(pos: number[], neg: number[]): number {
  if (!pos.length || !neg.length) throw new Error('ROC AUC needs at least one positive and one negative');
  const all = [...pos.map((v) => ({ v, p: true })), ...neg.map((v) => ({ v, p: false }))].sort((a, b) => a.v - b.v);
  let rankSumPos = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j].v === all[i].v) j++;
    const midRank = (i + 1 + j) / 2; // ranks i+1 … j share their mean
    for (let k = i; k < j; k++) if (all[k].p) rankSumPos += midRank;
    i = j;
  }
  return (rankSumPos - (pos.length * (pos.length + 1)) / 2) / (pos.length * neg.length);
}
