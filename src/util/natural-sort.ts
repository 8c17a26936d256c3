// Names sort as people read them: node-7 before node-33 before node-81.
const collator = new Intl.Collator('en', { numeric: true });

export const naturalCompare = (a: string, b: string): number => collator.compare(a, b);
