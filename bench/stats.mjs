// Order statistics the bench scripts report.

/** The q-quantile (0..1) of `values`: the sample at that rank (undefined if there are none). */
export const quantile = (values, q) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))];

/** The median of `values`, as {@link quantile} at 0.5. */
export const median = (values) => quantile(values, 0.5);
