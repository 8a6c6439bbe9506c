// A small tokenizer over the VS Code extension's TextMate grammar
// (editors/vscode/syntaxes/polity.tmLanguage.json): every `match` rule, and
// the `begin` of every `begin`/`end` rule, in the grammar's order, tried at
// each position; the first that matches names the token. Strings are the one
// region kept whole (to their closing quote or the end of the line). Enough to
// colour a charter: the editor is the authority on nothing but colours.

/** The grammar's rules, flattened in order: `{ re, scope }`. */
export function rules(grammar) {
  const out = [];
  const seen = new Set();
  const walk = (rule) => {
    if (rule.include) {
      const name = rule.include.replace(/^#/, "");
      if (seen.has(name)) return;
      seen.add(name);
      const r = grammar.repository[name];
      if (r) walk(r);
      return;
    }
    if (rule.match) add(rule.match, rule.name, rule.captures);
    if (rule.begin) {
      if (rule.name && rule.name.startsWith("string")) {
        add(`${rule.begin}(?:\\\\.|[^"\\\\\\n])*(?:"|$)`, rule.name);
      } else {
        add(rule.begin, rule.name, rule.beginCaptures);
      }
    }
    for (const p of rule.patterns || []) walk(p);
  };
  const add = (source, name, captures) => {
    let scope = name;
    if (!scope && captures) {
      const first = Object.values(captures).find((c) => c.name);
      scope = first && first.name;
    }
    try {
      out.push({ re: new RegExp(source, "my"), scope: scope || "" });
    } catch {
      // a rule JavaScript's regular expressions cannot read is left out
    }
  };
  for (const p of grammar.patterns) walk(p);
  return out;
}

/** The class of a scope: its first segment (`keyword`, `string`...). */
function cls(scope) {
  return scope.split(".")[0];
}

/** One class per UTF-16 unit of `text` ("" for plain). */
export function classes(text, compiled) {
  const out = new Array(text.length).fill("");
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i])) {
      i++;
      continue;
    }
    let matched = false;
    for (const r of compiled) {
      r.re.lastIndex = i;
      const m = r.re.exec(text);
      if (m && m[0].length > 0) {
        out.fill(cls(r.scope), i, i + m[0].length);
        i += m[0].length;
        matched = true;
        break;
      }
    }
    if (!matched) i++;
  }
  return out;
}
