/** One row of the benchmark table: a figure, and the baseline it is judged against in the same run. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** The baseline or limit measured in the same run (or a fixed goal). */
  limit?: number;
  /** value / limit, or whatever ratio the goal is stated in. */
  ratio?: number;
  goal?: string;
  pass?: boolean;
}

export const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The p-th percentile (0-100) of values sorted ascending: the value below which p% of them fall. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
