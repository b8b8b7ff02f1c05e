/**
 * A static scan of functions/src for Firestore queries: every `.collection(x)` / `.collectionGroup(x)`
 * chain with its `.where` and `.orderBy` clauses, following a query kept in a variable
 * (`let q = ...; if (f) q = q.where(...)` gives both shapes) and small helpers that return a
 * collection (`intentsRef(db)`, `typedCollection(db, NAME)`). Collection names and fields resolve through the type checker, so
 * `db.collection(TASKS)` is `tasks`. The index check derives from each query the composite index
 * Firestore needs, if any; the rules test takes the collection names.
 */
import ts from 'typescript';
import { join, relative } from 'node:path';

export interface Clause {
  kind: 'where' | 'orderBy';
  field: string;
  /** where: the operator; orderBy: 'asc' | 'desc'. */
  op: string;
}

export interface ScannedQuery {
  /** Collection ids the query may run on (several when the name is a union of literals). */
  collections: string[];
  scope: 'COLLECTION' | 'COLLECTION_GROUP';
  clauses: Clause[];
  /** file:line of the outermost expression. */
  at: string;
  /** Why a part could not be resolved (field or collection), if any. */
  unresolved?: string;
}

type Value = { collections: string[]; scope: ScannedQuery['scope']; clauses: Clause[]; unresolved?: string };

const KEEP = new Set([
  'limit',
  'limitToLast',
  'offset',
  'startAt',
  'startAfter',
  'endAt',
  'endBefore',
  'select',
  'withConverter',
]);

const helperCache = new WeakMap<ts.Node, Value[]>();

const root = join(import.meta.dirname, '..', '..');

/** Scans every .ts file under functions/src. */
export function scanQueries(srcDir = join(root, 'functions', 'src')): ScannedQuery[] {
  const configPath = join(root, 'tsconfig.json');
  const parsed = ts.parseJsonConfigFileContent(
    ts.readConfigFile(configPath, ts.sys.readFile).config,
    ts.sys,
    root,
  );
  const files = parsed.fileNames.filter((f) => f.startsWith(srcDir));
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true });
  const checker = program.getTypeChecker();
  const out: ScannedQuery[] = [];
  for (const sf of program.getSourceFiles()) {
    if (!sf.fileName.startsWith(srcDir)) continue;
    new FileScan(sf, checker, out).run();
  }
  return out;
}

class FileScan {
  /** Possible query values of each variable, by its symbol. */
  private vars = new Map<ts.Symbol, Value[]>();

  constructor(
    private sf: ts.SourceFile,
    private checker: ts.TypeChecker,
    private out: ScannedQuery[],
  ) {}

  run() {
    const visit = (node: ts.Node) => {
      this.track(node);
      if (ts.isExpression(node) && this.isOutermost(node)) {
        for (const v of this.evaluate(node, 0)) this.record(node, v);
      }
      ts.forEachChild(node, visit);
    };
    visit(this.sf);
  }

  /** Variables holding a query: `const q = <query>`, `q = <query>` (conditional ones add shapes). */
  private track(node: ts.Node, depth = 0) {
    let name: ts.Identifier | undefined;
    let init: ts.Expression | undefined;
    let replace = true;
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      [name, init] = [node.name, node.initializer];
    } else if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isIdentifier(node.left)
    ) {
      [name, init] = [node.left, node.right];
      replace = !this.isConditional(node);
    }
    if (!name || !init) return;
    const values = this.evaluate(init, depth);
    if (values.length === 0) return;
    const sym = this.checker.getSymbolAtLocation(name);
    if (!sym) return;
    const before = this.vars.get(sym) ?? [];
    this.vars.set(sym, replace ? values : [...before, ...values]);
  }

  private isConditional(node: ts.Node): boolean {
    for (let p = node.parent; p && !ts.isFunctionLike(p); p = p.parent) {
      if (ts.isIfStatement(p) || ts.isConditionalExpression(p) || ts.isIterationStatement(p, false))
        return true;
    }
    return false;
  }

  /** True when the expression is not itself extended into a bigger query expression. */
  private isOutermost(node: ts.Expression): boolean {
    const p = node.parent;
    if (ts.isPropertyAccessExpression(p) && p.expression === node) {
      const name = p.name.text;
      if (name === 'where' || name === 'orderBy' || KEEP.has(name)) return false;
    }
    if (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isNonNullExpression(p)) return false;
    if (ts.isConditionalExpression(p) && p.condition !== node) return false;
    // The value of a tracked assignment is recorded where the variable is used.
    if (ts.isVariableDeclaration(p) && p.initializer === node) return false;
    if (ts.isBinaryExpression(p) && p.right === node && p.operatorToken.kind === ts.SyntaxKind.EqualsToken)
      return false;
    return true;
  }

  private record(node: ts.Node, v: Value) {
    const { line } = this.sf.getLineAndCharacterOfPosition(node.getStart(this.sf));
    this.out.push({ ...v, at: `${relative(root, this.sf.fileName)}:${line + 1}` });
  }

  private evaluate(e: ts.Expression, depth: number): Value[] {
    if (depth > 6) return [];
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e))
      return this.evaluate(e.expression, depth);
    if (ts.isConditionalExpression(e))
      return [...this.evaluate(e.whenTrue, depth), ...this.evaluate(e.whenFalse, depth)];
    if (ts.isIdentifier(e)) {
      const sym = this.checker.getSymbolAtLocation(e);
      return (sym && this.vars.get(sym)) ?? [];
    }
    if (!ts.isCallExpression(e)) return [];
    const callee = e.expression;
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      const [a0, a1, a2] = e.arguments;
      if (method === 'collection' || method === 'collectionGroup') {
        if (!a0 || e.arguments.length !== 1) return [];
        const names = this.strings(a0);
        return [
          {
            collections: names ?? [],
            scope: method === 'collection' ? 'COLLECTION' : 'COLLECTION_GROUP',
            clauses: [],
            unresolved: names ? undefined : `collection name \`${a0.getText(this.sf)}\``,
          },
        ];
      }
      if (method === 'where' || method === 'orderBy' || KEEP.has(method)) {
        const base = this.evaluate(callee.expression, depth);
        if (method !== 'where' && method !== 'orderBy') return base;
        return base.map((v) => this.extend(v, method, a0, method === 'where' ? a1 : a1, a2));
      }
      return this.helper(e, depth); // a repository's accessor, e.g. `col.runs(db)`
    }
    // `typedCollection(db, NAME)` (platform/firestore/typed.ts) is `db.collection(NAME)` with a converter.
    if (ts.isIdentifier(callee) && callee.text === 'typedCollection') {
      const a1 = e.arguments[1];
      const names = a1 && this.strings(a1);
      return [
        {
          collections: names ?? [],
          scope: 'COLLECTION',
          clauses: [],
          unresolved: names ? undefined : `collection name \`${a1?.getText(this.sf) ?? '?'}\``,
        },
      ];
    }
    return this.helper(e, depth);
  }

  private extend(
    v: Value,
    kind: 'where' | 'orderBy',
    field?: ts.Expression,
    opArg?: ts.Expression,
    _v?: ts.Expression,
  ) {
    const fieldName = field && this.fieldPath(field);
    const op =
      kind === 'orderBy'
        ? opArg
          ? this.strings(opArg)?.[0]
          : 'asc'
        : opArg
          ? this.strings(opArg)?.[0]
          : undefined;
    if (!fieldName || !op) {
      const what = !field
        ? 'a Filter object'
        : !fieldName
          ? `field \`${field.getText(this.sf)}\``
          : 'the operator';
      return { ...v, unresolved: v.unresolved ?? `${kind} with ${what}` };
    }
    return { ...v, clauses: [...v.clauses, { kind, field: fieldName, op }] };
  }

  /** A helper function whose body returns a query (`const assetsRef = (db) => db.collection(X)`). */
  private helper(call: ts.CallExpression, depth: number): Value[] {
    // A helper is `name(db)` or a repository's `col.name(db)` (an object of collection accessors).
    const callee = call.expression;
    const named = ts.isIdentifier(callee)
      ? callee
      : ts.isPropertyAccessExpression(callee)
        ? callee.name
        : undefined;
    if (!named) return [];
    let sym = this.checker.getSymbolAtLocation(named);
    if (sym && sym.flags & ts.SymbolFlags.Alias) sym = this.checker.getAliasedSymbol(sym);
    const decl = sym?.valueDeclaration;
    let fn: ts.SignatureDeclaration | undefined;
    if (decl && ts.isFunctionDeclaration(decl)) fn = decl;
    else if (
      decl &&
      (ts.isVariableDeclaration(decl) || ts.isPropertyAssignment(decl)) &&
      decl.initializer &&
      ts.isArrowFunction(decl.initializer)
    )
      fn = decl.initializer;
    // Only helpers that build a query are worth a walk (a cheap text test, not a type check).
    if (
      !fn ||
      !('body' in fn) ||
      !fn.body ||
      !/\.collection(Group)?\(|typedCollection\b/.test(fn.body.getText())
    )
      return [];
    const known = helperCache.get(fn);
    if (known) return known;
    const values = this.helperBody(fn.body as ts.Node, depth);
    helperCache.set(fn, values);
    return values;
  }

  private helperBody(body: ts.Node, depth: number): Value[] {
    const scan = new FileScan(body.getSourceFile(), this.checker, []);
    if (!ts.isBlock(body)) return scan.evaluate(body as ts.Expression, depth + 1);
    const values: Value[] = [];
    const visit = (n: ts.Node) => {
      if (ts.isFunctionLike(n)) return;
      scan.track(n, depth + 1);
      if (ts.isReturnStatement(n) && n.expression) values.push(...scan.evaluate(n.expression, depth + 1));
      ts.forEachChild(n, visit);
    };
    ts.forEachChild(body, visit);
    return values;
  }

  private fieldPath(e: ts.Expression): string | undefined {
    // FieldPath.documentId() is the document name.
    if (ts.isCallExpression(e) && e.expression.getText(this.sf).endsWith('documentId')) return '__name__';
    const s = this.strings(e);
    return s?.length === 1 ? s[0] : undefined;
  }

  /** The string literal values an expression may have, from its type; undefined if not all literal. */
  private strings(e: ts.Expression): string[] | undefined {
    if (ts.isStringLiteralLike(e)) return [e.text];
    const t = this.checker.getTypeAtLocation(e);
    const parts = t.isUnion() ? t.types : [t];
    const out: string[] = [];
    for (const p of parts) {
      if (!p.isStringLiteral()) return undefined;
      out.push(p.value);
    }
    return out;
  }
}
