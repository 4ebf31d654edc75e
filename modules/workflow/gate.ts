/**
 * The threshold gate in both directions: a lower-is-better metric (an error) passes strictly below
 * the threshold, a higher-is-better one (a score) strictly above it; a value equal to it fails.
 */
export type MetricDirection = "lower" | "higher";

/** The ASL comparison the gate's Choice uses. */
export const GATE_COMPARISON = { lower: "NumericLessThan", higher: "NumericGreaterThan" } as const satisfies Record<
  MetricDirection,
  string
>;

/** Whether `value` passes a gate at `threshold`. */
export function passesGate(direction: MetricDirection, value: number, threshold: number): boolean {
  return direction === "lower" ? value < threshold : value > threshold;
}

/** `<` or `>`: the comparison a passing value makes with the threshold. */
export const gateOperator = (direction: MetricDirection): "<" | ">" => (direction === "lower" ? "<" : ">");

/** `≥` or `≤`: the comparison a failing (numeric) value makes with the threshold. */
export const failingOperator = (direction: MetricDirection): "≥" | "≤" => (direction === "lower" ? "≥" : "≤");

/** `below` or `above`: where a passing value is. */
export const passingSide = (direction: MetricDirection): "below" | "above" => (direction === "lower" ? "below" : "above");
