// Minimal types for the parts of better-sqlite3 12 this project uses.
// (@types/better-sqlite3 is not installed; if it is added, delete this file.)
declare module 'better-sqlite3' {
  namespace Database {
    interface RunResult {
      changes: number;
      lastInsertRowid: number | bigint;
    }
    interface Statement<Params extends unknown[] = unknown[], Row = unknown> {
      run(...params: Params): RunResult;
      get(...params: Params): Row | undefined;
      all(...params: Params): Row[];
    }
    interface Options {
      readonly?: boolean;
      fileMustExist?: boolean;
      timeout?: number;
    }
    interface PragmaOptions {
      simple?: boolean;
    }
    /** A function wrapped in BEGIN … COMMIT; its variants choose the BEGIN (immediate takes the write lock first). */
    type Transaction<F extends (...args: never[]) => unknown> = F & {
      deferred: F;
      immediate: F;
      exclusive: F;
    };
    interface Database {
      readonly name: string;
      readonly open: boolean;
      readonly memory: boolean;
      readonly inTransaction: boolean;
      prepare<Params extends unknown[] = unknown[], Row = unknown>(sql: string): Statement<Params, Row>;
      exec(sql: string): this;
      pragma(source: string, options?: PragmaOptions): unknown;
      transaction<F extends (...args: never[]) => unknown>(fn: F): Transaction<F>;
      close(): this;
    }
  }
  interface DatabaseConstructor {
    new (filename?: string, options?: Database.Options): Database.Database;
    (filename?: string, options?: Database.Options): Database.Database;
  }
  const Database: DatabaseConstructor;
  export = Database;
}
