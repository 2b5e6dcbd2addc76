/** Options every command accepts. */
export interface GlobalOptions {
  /** --config FILE */
  config?: string;
}
