/**
 * Prepared statements cached by their SQL text, and the one way blob columns are read, shared by
 * every module that queries a c1z database (the row queries, the diff).
 */
import type { DatabaseSync, SQLInputValue, SQLOutputValue, StatementSync } from "node:sqlite";

export type Row = Record<string, SQLOutputValue>;

export class PreparedStatements {
  private readonly statements = new Map<string, StatementSync>();

  constructor(private readonly db: DatabaseSync) {}

  all(sql: string, params: SQLInputValue[]): Row[] {
    return this.statement(sql).all(...params);
  }

  one(sql: string, params: SQLInputValue[]): Row | undefined {
    return this.statement(sql).get(...params);
  }

  private statement(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** A blob column's bytes; a text value (never written by us) is read as its UTF-8 bytes. */
export function bytes(value: SQLOutputValue): Uint8Array {
  if (value instanceof Uint8Array) return value;
  return Buffer.from(String(value ?? ""), "utf8");
}
