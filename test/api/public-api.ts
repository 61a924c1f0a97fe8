/**
 * The package's public surface as text, for test/api/public-api.test.ts to compare with the
 * checked-in test/api/public-api.txt (undici's test/types/*.test-d.ts pin its types the same
 * way: a change to the API is a decision, seen as a diff in review). For every entry point in
 * package.json `exports`, it reads the built declaration file (dist/src/…d.ts, what users
 * compile against) with the TypeScript API and prints each export, sorted by name: functions
 * with their signatures, classes with their public members, interfaces and type aliases with
 * their structure, one property a line. A type that another entry exports is printed by name;
 * a named type that no entry exports (RunPlan, say) is printed by name too and listed at the
 * end: it is reachable, but its shape is not a promise.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { repoPath } from '../helpers.js';

export interface EntryPoint {
  /** The specifier users import: `mqtt-jwt-bench`, `mqtt-jwt-bench/report`. */
  specifier: string;
  /** The declaration file, relative to the repository. */
  types: string;
  /** The JavaScript file, relative to the repository. */
  js: string;
}

export interface PublicApi {
  text: string;
  /** Each entry point's exported values (functions, classes, constants), sorted: what `import()` must show. */
  values: Map<string, string[]>;
  /** Every exported name, values and types, over all entry points. */
  names: Set<string>;
}

interface ExportEntry {
  types: string;
  default: string;
}

/** The entry points that package.json `exports` declares (not `./package.json`). */
export function entryPoints(): EntryPoint[] {
  const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { name: string; exports: Record<string, ExportEntry | string> };
  return Object.entries(pkg.exports).flatMap(([subpath, target]) =>
    typeof target === 'string'
      ? []
      : [{ specifier: subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`, types: target.types.slice(2), js: target.default.slice(2) }],
  );
}

const MAX_DEPTH = 12;
const OWN_DECLARATIONS = repoPath('dist/src/');

export function publicApi(entries: readonly EntryPoint[] = entryPoints()): PublicApi {
  const files = entries.map((e) => repoPath(e.types));
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    types: ['node'],
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const exportsOf = entries.map((entry, i) => {
    const file = program.getSourceFile(files[i] ?? '');
    const module = file === undefined ? undefined : checker.getSymbolAtLocation(file);
    if (module === undefined) throw new Error(`${entry.types}: no such declaration file (run npm run build)`);
    return { entry, symbols: [...checker.getExportsOfModule(module)].sort((a, b) => a.name.localeCompare(b.name)) };
  });
  // Every exported type, by identity, so that a reference to it prints as its name.
  const publicTypes = new Map<ts.Type, string>();
  for (const { symbols } of exportsOf)
    for (const symbol of symbols) {
      const target = resolved(checker, symbol);
      if ((target.flags & (ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Interface | ts.SymbolFlags.Class)) !== 0)
        publicTypes.set(checker.getDeclaredTypeOfSymbol(target), symbol.name);
    }
  const printer = new TypePrinter(checker, publicTypes);
  const lines: string[] = [];
  const values = new Map<string, string[]>();
  const names = new Set<string>();
  for (const { entry, symbols } of exportsOf) {
    lines.push(`# ${entry.specifier}`, '');
    const valueNames: string[] = [];
    for (const symbol of symbols) {
      names.add(symbol.name);
      const target = resolved(checker, symbol);
      if ((target.flags & ts.SymbolFlags.Value) !== 0) valueNames.push(symbol.name);
      lines.push(...printer.declaration(symbol.name, target), '');
    }
    values.set(entry.specifier, valueNames);
  }
  const internal = [...printer.internalNames].filter((n) => !names.has(n)).sort();
  lines.push('# named by the public types, not exported (their shape is not a promise)', '', ...internal.map((n) => `- ${n}`), '');
  return { text: lines.join('\n'), values, names };
}

function resolved(checker: ts.TypeChecker, symbol: ts.Symbol): ts.Symbol {
  return (symbol.flags & ts.SymbolFlags.Alias) !== 0 ? checker.getAliasedSymbol(symbol) : symbol;
}

class TypePrinter {
  readonly #checker: ts.TypeChecker;
  readonly #public: Map<ts.Type, string>;
  /** Named types met while printing that no entry point exports. */
  readonly internalNames = new Set<string>();

  constructor(checker: ts.TypeChecker, publicTypes: Map<ts.Type, string>) {
    this.#checker = checker;
    this.#public = publicTypes;
  }

  declaration(name: string, symbol: ts.Symbol): string[] {
    const checker = this.#checker;
    const flags = symbol.flags;
    if ((flags & ts.SymbolFlags.Class) !== 0) return this.#class(name, symbol);
    if ((flags & ts.SymbolFlags.Function) !== 0)
      return checker.getSignaturesOfType(checker.getTypeOfSymbol(symbol), ts.SignatureKind.Call).map((s) => `function ${name}${this.#signature(s, 0)};`);
    if ((flags & ts.SymbolFlags.Interface) !== 0) {
      const type = checker.getDeclaredTypeOfSymbol(symbol);
      const heritage = checker.getBaseTypes(type as ts.InterfaceType).map((t) => this.type(t, 0, true));
      return [`interface ${name}${typeParameters(type)}${heritage.length > 0 ? ` extends ${heritage.join(', ')}` : ''} ${this.#members(type, 0)}`];
    }
    if ((flags & ts.SymbolFlags.TypeAlias) !== 0) {
      const type = checker.getDeclaredTypeOfSymbol(symbol);
      return [`type ${name} = ${this.type(type, 0, false)};`];
    }
    if ((flags & ts.SymbolFlags.Variable) !== 0) {
      const isConst = symbol.valueDeclaration !== undefined && (ts.getCombinedNodeFlags(symbol.valueDeclaration) & ts.NodeFlags.Const) !== 0;
      return [`${isConst ? 'const' : 'let'} ${name}: ${this.type(checker.getTypeOfSymbol(symbol), 0, true)};`];
    }
    return [`${name}: (unprinted symbol kind ${flags})`];
  }

  #class(name: string, symbol: ts.Symbol): string[] {
    const checker = this.#checker;
    const instance = checker.getDeclaredTypeOfSymbol(symbol) as ts.InterfaceType;
    const bases = checker.getBaseTypes(instance).map((t) => this.type(t, 0, true));
    const lines = [`class ${name}${bases.length > 0 ? ` extends ${bases.join(', ')}` : ''} {`];
    for (const s of checker.getSignaturesOfType(checker.getTypeOfSymbol(symbol), ts.SignatureKind.Construct))
      lines.push(`  constructor${this.#signature(s, 1, '')};`);
    for (const member of symbol.members?.values() ?? []) {
      const declaration = member.valueDeclaration;
      if (declaration === undefined || member.name.startsWith('#') || member.name === '__constructor') continue;
      const modifiers = ts.getCombinedModifierFlags(declaration);
      if ((modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0) continue;
      lines.push(`  ${this.#member(member, (modifiers & ts.ModifierFlags.Readonly) !== 0, 1)}`);
    }
    for (const member of symbol.exports?.values() ?? []) {
      if (member.name === 'prototype') continue;
      lines.push(`  static ${this.#member(member, false, 1)}`);
    }
    lines.push('}');
    return lines;
  }

  #member(symbol: ts.Symbol, readonly: boolean, depth: number): string {
    const checker = this.#checker;
    const optional = (symbol.flags & ts.SymbolFlags.Optional) !== 0;
    const type = checker.getTypeOfSymbol(symbol);
    if ((symbol.flags & ts.SymbolFlags.Method) !== 0)
      return checker
        .getSignaturesOfType(type, ts.SignatureKind.Call)
        .map((s) => `${symbol.name}${optional ? '?' : ''}${this.#signature(s, depth)};`)
        .join(` `);
    return `${readonly ? 'readonly ' : ''}${propertyName(symbol.name)}${optional ? '?' : ''}: ${this.type(type, depth, true, optional)};`;
  }

  #members(type: ts.Type, depth: number): string {
    const checker = this.#checker;
    const pad = '  '.repeat(depth + 1);
    const lines: string[] = [];
    for (const s of checker.getSignaturesOfType(type, ts.SignatureKind.Call)) lines.push(`${pad}${this.#signature(s, depth + 1)};`);
    for (const s of checker.getSignaturesOfType(type, ts.SignatureKind.Construct)) lines.push(`${pad}new ${this.#signature(s, depth + 1)};`);
    for (const info of checker.getIndexInfosOfType(type))
      lines.push(`${pad}${info.isReadonly ? 'readonly ' : ''}[key: ${this.type(info.keyType, depth + 1, true)}]: ${this.type(info.type, depth + 1, true)};`);
    for (const property of checker.getPropertiesOfType(type)) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      const readonly = declaration !== undefined && (ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Readonly) !== 0;
      lines.push(`${pad}${this.#member(property, readonly, depth + 1)}`);
    }
    return lines.length === 0 ? '{}' : `{\n${lines.join('\n')}\n${'  '.repeat(depth)}}`;
  }

  /** `(a: A): R`, or with `returns` ' => ' an arrow, or with '' no return type (a constructor). */
  #signature(signature: ts.Signature, depth: number, returns: ': ' | ' => ' | '' = ': '): string {
    const checker = this.#checker;
    const typeParams = (signature.typeParameters ?? []).map((t) => this.type(t, depth, true));
    const params = signature.parameters.map((p) => {
      const declaration = p.valueDeclaration;
      const parameter = declaration !== undefined && ts.isParameter(declaration) ? declaration : undefined;
      const optional = parameter !== undefined && (parameter.questionToken !== undefined || parameter.initializer !== undefined);
      const rest = parameter?.dotDotDotToken !== undefined ? '...' : '';
      return `${rest}${p.name}${optional ? '?' : ''}: ${this.type(checker.getTypeOfSymbol(p), depth, true, optional)}`;
    });
    const result = returns === '' ? '' : `${returns}${this.type(checker.getReturnTypeOfSignature(signature), depth, true)}`;
    return `${typeParams.length > 0 ? `<${typeParams.join(', ')}>` : ''}(${params.join(', ')})${result}`;
  }

  /**
   * A type as text. `byName`: a public type prints as its name (false for the type alias being
   * declared). `optional`: drop the `undefined` that an optional property or parameter adds.
   */
  type(type: ts.Type, depth: number, byName: boolean, optional = false): string {
    const checker = this.#checker;
    if (depth > MAX_DEPTH) return checker.typeToString(type);
    const publicName = this.#public.get(type);
    if (byName && publicName !== undefined) return publicName;
    if (type.isUnion()) {
      if (type.aliasSymbol !== undefined && byName && !isLiteralUnion(type)) return this.#aliasName(type, depth);
      const members = type.types.filter((t) => !(optional && (t.flags & ts.TypeFlags.Undefined) !== 0));
      const bothBooleans = members.filter((t) => (t.flags & ts.TypeFlags.BooleanLiteral) !== 0).length === 2;
      const parts: string[] = [];
      for (const t of members) {
        if (bothBooleans && (t.flags & ts.TypeFlags.BooleanLiteral) !== 0) {
          if (!parts.includes('boolean')) parts.push('boolean');
          continue;
        }
        const text = this.type(t, depth, true);
        parts.push(members.length > 1 && (isFunctionType(checker, t) || t.isIntersection()) ? `(${text})` : text);
      }
      // The checker's order follows type ids, which move with unrelated changes: sort, null and undefined last.
      return parts.sort(unionOrder).join(' | ');
    }
    if (type.aliasSymbol !== undefined && byName && !isLiteralUnion(type)) return this.#aliasName(type, depth);
    if (type.isIntersection()) return type.types.map((t) => this.type(t, depth, true)).join(' & ');
    if ((type.flags & ts.TypeFlags.Object) === 0) return checker.typeToString(type, undefined, ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType);
    const object = type as ts.ObjectType;
    if (checker.isArrayType(type)) {
      const element = checker.getTypeArguments(type as ts.TypeReference)[0];
      const text = element === undefined ? 'unknown' : this.type(element, depth, true);
      const readonly = type.symbol?.name === 'ReadonlyArray' ? 'readonly ' : '';
      const grouped = element !== undefined && (element.isUnion() || element.isIntersection() || isFunctionType(checker, element));
      return `${readonly}${grouped ? `(${text})` : text}[]`;
    }
    if (checker.isTupleType(type))
      return `[${checker
        .getTypeArguments(type as ts.TypeReference)
        .map((t) => this.type(t, depth, true))
        .join(', ')}]`;
    if ((object.objectFlags & ts.ObjectFlags.Reference) !== 0 && (object as ts.TypeReference).target !== type) {
      const reference = object as ts.TypeReference;
      return `${this.#named(reference.target)}<${checker
        .getTypeArguments(reference)
        .map((t) => this.type(t, depth, true))
        .join(', ')}>`;
    }
    const symbolName = type.symbol?.name;
    const anonymous = symbolName === undefined || symbolName === '__type' || symbolName === '__object' || (object.objectFlags & ts.ObjectFlags.Mapped) !== 0;
    if (!anonymous) return this.#named(type);
    const calls = checker.getSignaturesOfType(type, ts.SignatureKind.Call);
    if (calls.length === 1 && checker.getPropertiesOfType(type).length === 0 && checker.getIndexInfosOfType(type).length === 0) {
      return this.#signature(calls[0] as ts.Signature, depth, ' => ');
    }
    const info = checker.getIndexInfosOfType(type);
    if (info.length === 1 && checker.getPropertiesOfType(type).length === 0 && calls.length === 0 && !(info[0]?.isReadonly ?? false)) {
      return `Record<${this.type(info[0]?.keyType as ts.Type, depth, true)}, ${this.type(info[0]?.type as ts.Type, depth, true)}>`;
    }
    return (byName ? this.#structurallyPublic(type) : undefined) ?? this.#members(type, depth);
  }

  /**
   * The one exported object type this anonymous one is identical to, if any: zod infers a nested
   * HistogramReport as its own copy, not as a reference to the exported alias.
   */
  #structurallyPublic(type: ts.Type): string | undefined {
    const checker = this.#checker;
    const keys = checker
      .getPropertiesOfType(type)
      .map((p) => p.name)
      .sort()
      .join();
    if (keys === '') return undefined;
    const matches = [...this.#public].filter(
      ([candidate]) =>
        checker
          .getPropertiesOfType(candidate)
          .map((p) => p.name)
          .sort()
          .join() === keys &&
        checker.isTypeAssignableTo(type, candidate) &&
        checker.isTypeAssignableTo(candidate, type),
    );
    return matches.length === 1 ? matches[0]?.[1] : undefined;
  }

  #aliasName(type: ts.Type, depth: number): string {
    const alias = type.aliasSymbol as ts.Symbol;
    const args = type.aliasTypeArguments ?? [];
    const name = alias.name;
    if (!isGlobal(alias)) this.internalNames.add(name);
    return args.length === 0 ? name : `${name}<${args.map((t) => this.type(t, depth, true)).join(', ')}>`;
  }

  #named(type: ts.Type): string {
    const publicName = this.#public.get(type);
    if (publicName !== undefined) return publicName;
    const symbol = type.symbol;
    if (symbol === undefined) return this.#checker.typeToString(type);
    if (!isGlobal(symbol)) {
      this.internalNames.add(symbol.name);
      return symbol.name;
    }
    // NodeJS.ProcessEnv rather than ProcessEnv; a module's type by its own name.
    const qualified = this.#checker.getFullyQualifiedName(symbol);
    return qualified.includes('"') ? symbol.name : qualified.replace(/^global\./, '');
  }
}

function isFunctionType(checker: ts.TypeChecker, type: ts.Type): boolean {
  return checker.getSignaturesOfType(type, ts.SignatureKind.Call).length > 0 && checker.getPropertiesOfType(type).length === 0;
}

function unionOrder(a: string, b: string): number {
  const last = (t: string): number => (t === 'null' ? 1 : t === 'undefined' ? 2 : 0);
  return last(a) - last(b) || a.localeCompare(b);
}

function typeParameters(type: ts.Type): string {
  const params = (type as ts.InterfaceType).typeParameters ?? [];
  return params.length === 0 ? '' : `<${params.map((p) => p.symbol.name).join(', ')}>`;
}

function isLiteralUnion(type: ts.Type): boolean {
  return (
    type.isUnion() &&
    type.types.every((t) => (t.flags & (ts.TypeFlags.Literal | ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.BooleanLiteral)) !== 0)
  );
}

/** Declared outside this package's own files: TypeScript's lib, @types/node, a dependency. */
function isGlobal(symbol: ts.Symbol): boolean {
  return (symbol.declarations ?? []).every((d) => !d.getSourceFile().fileName.startsWith(OWN_DECLARATIONS));
}

function propertyName(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`;
}
