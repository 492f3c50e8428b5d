export function methodNotes(): string[];
