/** Counted nouns for the English CLI and demo output: "1 recipient", "2 recipients", "0 changes". */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
