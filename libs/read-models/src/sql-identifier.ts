/** A PostgreSQL identifier (table, schema, column) quoted for SQL text: "name", with inner quotes doubled. */
export const quoteIdentifier = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
