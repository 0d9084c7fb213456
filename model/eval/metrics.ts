// Evaluation measures: Spearman rank correlation and retrieval Recall@k / MRR over cosine similarity.

/** Ranks starting at 1, ties sharing their mean rank. */
function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const result = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) result[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return result;
}

export function spearman(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length < 2) throw new Error('spearman: need two equally long lists of at least 2 values');
  const ra = ranks(a);
  const rb = ranks(b);
  const mean = (ra.length + 1) / 2;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < ra.length; i++) {
    cov += (ra[i] - mean) * (rb[i] - mean);
    va += (ra[i] - mean) ** 2;
    vb += (rb[i] - mean) ** 2;
  }
  return cov / Math.sqrt(va * vb);
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

export interface RetrievalScore {
  /** Mean over queries of |relevant ∩ top k| / min(k, |relevant|). */
  recallAtK: number;
  /** Mean reciprocal rank of the first relevant result. */
  mrr: number;
}

/**
 * Ranks `documents` for each query by cosine similarity; `relevant(q, d)` says whether document d is a
 * right answer to query q, and `exclude(q, d)` removes a document from q's ranking (the query itself).
 */
export function retrieval(
  queries: readonly Float32Array[],
  documents: readonly Float32Array[],
  relevant: (query: number, document: number) => boolean,
  k: number,
  exclude: (query: number, document: number) => boolean = () => false,
): RetrievalScore {
  let recallSum = 0;
  let mrrSum = 0;
  queries.forEach((query, q) => {
    const ranked = documents
      .map((doc, d) => [d, cosine(query, doc)] as const)
      .filter(([d]) => !exclude(q, d))
      .sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const relevantCount = ranked.filter(([d]) => relevant(q, d)).length;
    const hits = ranked.slice(0, k).filter(([d]) => relevant(q, d)).length;
    recallSum += relevantCount === 0 ? 0 : hits / Math.min(k, relevantCount);
    const first = ranked.findIndex(([d]) => relevant(q, d));
    mrrSum += first < 0 ? 0 : 1 / (first + 1);
  });
  return { recallAtK: recallSum / queries.length, mrr: mrrSum / queries.length };
}
