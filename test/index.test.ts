import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The public API documents itself: every export of src/index.ts, and every public member of its
 * classes, carries JSDoc with an @example.
 */
function undocumented(): string[] {
  const program = ts.createProgram(['src/index.ts'], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const index = checker.getSymbolAtLocation(program.getSourceFile('src/index.ts')!)!;
  const hasExample = (s: ts.Symbol): boolean => s.getJsDocTags(checker).some((t) => t.name === 'example');
  const missing: string[] = [];
  for (const exp of checker.getExportsOfModule(index)) {
    const sym = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
    if (!hasExample(sym)) missing.push(exp.name);
    if (!(sym.flags & ts.SymbolFlags.Class) || !['Database', 'PreparedStatement'].includes(exp.name))
      continue;
    const members = [...(sym.members?.values() ?? []), ...(sym.exports?.values() ?? [])];
    for (const m of members) {
      const decl = m.declarations?.[0];
      if (!decl || !(m.flags & (ts.SymbolFlags.Method | ts.SymbolFlags.GetAccessor))) continue;
      const mods = ts.getCombinedModifierFlags(decl as ts.Declaration);
      if (mods & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
      const documented = (m.declarations ?? []).some((d) =>
        ts.getJSDocTags(d).some((t) => t.tagName.text === 'example'),
      );
      if (!documented) missing.push(`${exp.name}.${m.name}`);
    }
  }
  return missing;
}

describe('public API', () => {
  it('gives every export of src/index.ts and every public method an @example', () => {
    expect(undocumented()).toEqual([]);
  });
});
