/**
 * Java `java.util.regex.Pattern` syntax, as AppSync documents for `util.matches`
 * (https://docs.aws.amazon.com/appsync/latest/devguide/built-in-util-js.html: "The functionality is based
 * on Pattern"), translated to an equivalent JavaScript `RegExp`. Constructs the two engines read
 * differently are rewritten (`.`, `$`, `\s`, `\Q…\E`, POSIX classes, escapes); constructs JavaScript has no
 * equivalent for (possessive quantifiers, atomic groups, inline flags, class unions and intersections,
 * `\b`, `\G`, `\Z`, `\R`, …) are refused with an error naming them, never matched differently.
 */

/** A `Pattern` construct the local runtime cannot match as Java would, or a pattern Java refuses. */
export class JavaPatternError extends Error {
  override readonly name = 'JavaPatternError';

  /**
   * @param pattern - the whole pattern
   * @param index - where the construct starts (code points)
   * @param problem - what is wrong, naming the construct
   */
  constructor(pattern: string, index: number, problem: string) {
    super(`util.matches: ${problem} at index ${index} of the pattern ${JSON.stringify(pattern)}`);
  }
}

// Java's line terminators, which `.` does not match and `$` may precede (Pattern, "Line terminators").
const LINE_TERMINATORS = '\\n\\r\\u0085\\u2028\\u2029';
// Java's \s without UNICODE_CHARACTER_CLASS: [ \t\n\x0B\f\r]; JavaScript's \s adds every Unicode space.
const JAVA_SPACE = ' \\t\\n\\x0B\\f\\r';

// Pattern's POSIX character classes (US-ASCII only), as the contents of a JavaScript class.
const POSIX_CLASSES: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: JAVA_SPACE,
};

// Unicode general categories, which Pattern (\p{Lu}, \p{IsLu}, \p{gc=Lu}) and JavaScript (\p{Lu}) share.
const GENERAL_CATEGORIES = new Set(
  'L Lu Ll Lt Lm Lo M Mn Mc Me N Nd Nl No P Pc Pd Ps Pe Pi Pf Po S Sm Sc Sk So Z Zs Zl Zp C Cc Cf Cs Co Cn'.split(
    ' ',
  ),
);

const UNSUPPORTED_ESCAPES: Record<string, string> = {
  b: 'the word boundary \\b (Java and JavaScript disagree on word characters)',
  B: 'the non-word boundary \\B',
  G: 'the end-of-previous-match anchor \\G',
  Z: 'the end-of-input-but-for-final-terminator anchor \\Z',
  h: 'the horizontal whitespace class \\h',
  H: 'the non-horizontal-whitespace class \\H',
  v: 'the vertical whitespace class \\v',
  V: 'the non-vertical-whitespace class \\V',
  R: 'the linebreak matcher \\R',
  X: 'the grapheme cluster matcher \\X',
  N: 'the named character \\N{…}',
};

// Characters that need a backslash to be literal in a JavaScript pattern with the u flag, which allows a
// backslash before nothing else (Java allows one before any non-alphabetic character).
const JS_SYNTAX = new Set([...'^$\\.*+?()[]{}|/']);
const JS_CLASS_SYNTAX = new Set([...'\\[]^-/']);

function literal(ch: string, inClass: boolean): string {
  return (inClass ? JS_CLASS_SYNTAX : JS_SYNTAX).has(ch) ? `\\${ch}` : ch;
}

function codePoint(value: number): string {
  return `\\u{${value.toString(16)}}`;
}

/** Reads Java patterns one code point at a time, writing the JavaScript equivalent. */
class Translator {
  private readonly chars: string[];
  private i = 0;
  private out = '';
  /** Open groups, innermost last: whether each is a lookbehind (where Java needs a bounded length). */
  private readonly groups: boolean[] = [];

  constructor(private readonly pattern: string) {
    this.chars = [...pattern];
  }

  translate(): string {
    while (this.i < this.chars.length) this.outside();
    if (this.groups.length > 0) this.fail(this.chars.length, 'an unclosed group');
    return this.out;
  }

  private fail(index: number, problem: string): never {
    throw new JavaPatternError(this.pattern, index, problem);
  }

  private get inLookbehind(): boolean {
    return this.groups.includes(true);
  }

  private outside(): void {
    const start = this.i;
    const ch = this.chars[this.i++]!;
    switch (ch) {
      case '\\':
        this.out += this.escape(start, false);
        return;
      case '.':
        this.out += `[^${LINE_TERMINATORS}]`;
        return;
      case '$':
        // Java's $ also matches before a final line terminator.
        this.out += `(?=(?:\\r\\n|[${LINE_TERMINATORS}])?$)`;
        return;
      case '[':
        this.characterClass(start);
        return;
      case '(':
        this.openGroup(start);
        return;
      case ')':
        if (this.groups.length === 0) this.fail(start, "an unmatched ')'");
        this.groups.pop();
        this.out += ')';
        return;
      case '*':
      case '+':
      case '?':
        this.quantifier(start, ch, ch !== '?');
        return;
      case '{': {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.chars.slice(start).join(''));
        if (!m) this.fail(start, "a '{' that is not a repetition {n}, {n,} or {n,m}");
        this.i = start + m[0].length;
        this.quantifier(start, m[0], m[2] !== undefined && m[3] === '');
        return;
      }
      case ']':
      case '}':
        this.out += `\\${ch}`;
        return;
      default:
        this.out += ch;
    }
  }

  private quantifier(start: number, text: string, unbounded: boolean): void {
    if (unbounded && this.inLookbehind) {
      this.fail(
        start,
        `the unbounded repetition '${text}' inside a lookbehind (Java needs a bounded length)`,
      );
    }
    this.out += text;
    const next = this.chars[this.i];
    if (next === '+') this.fail(this.i, `the possessive quantifier '${text}+'`);
    if (next === '?') {
      this.out += '?';
      this.i++;
    }
  }

  private openGroup(start: number): void {
    const rest = this.chars.slice(this.i, this.i + 3).join('');
    let lookbehind = false;
    if (rest.startsWith('?')) {
      const named = /^\?<([A-Za-z][A-Za-z0-9]*)>/.exec(this.chars.slice(this.i).join(''));
      if (rest.startsWith('?<=') || rest.startsWith('?<!')) {
        lookbehind = true;
        this.out += `(${rest}`;
        this.i += 3;
      } else if (named) {
        this.out += `(${named[0]}`;
        this.i += named[0].length;
      } else if (rest.startsWith('?:') || rest.startsWith('?=') || rest.startsWith('?!')) {
        this.out += `(${rest.slice(0, 2)}`;
        this.i += 2;
      } else if (rest.startsWith('?>')) {
        this.fail(start, "the atomic group '(?>…)'");
      } else {
        this.fail(start, "an inline flag group '(?…)' (flags such as (?i) are not supported)");
      }
    } else {
      this.out += '(';
    }
    this.groups.push(lookbehind);
  }

  /** Translates the escape at `start` (the backslash); inside a class, returns class contents. */
  private escape(start: number, inClass: boolean): string {
    const ch = this.chars[this.i++];
    if (ch === undefined) this.fail(start, 'a trailing backslash');
    if (!/[A-Za-z0-9]/.test(ch)) return literal(ch, inClass);
    switch (ch) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 't':
      case 'n':
      case 'r':
      case 'f':
        return `\\${ch}`;
      case 's':
        return inClass ? JAVA_SPACE : `[${JAVA_SPACE}]`;
      case 'S':
        if (inClass) this.fail(start, "'\\S' inside a character class");
        return `[^${JAVA_SPACE}]`;
      case 'a':
        return '\\x07';
      case 'e':
        return '\\x1B';
      case '0':
        return this.octal(start);
      case 'x':
        return this.hex(start);
      case 'u': {
        const hex = this.chars.slice(this.i, this.i + 4).join('');
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(start, "a '\\u' escape without four hex digits");
        this.i += 4;
        return `\\u${hex}`;
      }
      case 'c': {
        const control = this.chars[this.i++];
        if (control === undefined) this.fail(start, "a '\\c' escape without its character");
        return codePoint(control.codePointAt(0)! ^ 64);
      }
      case 'Q':
        return this.quoted(inClass);
      case 'p':
      case 'P':
        return this.posix(start, ch === 'P', inClass);
      case 'A':
      case 'z':
        if (inClass) this.fail(start, `the anchor '\\${ch}' inside a character class`);
        return ch === 'A' ? '^' : '$';
      case 'k': {
        const name = /^<([A-Za-z][A-Za-z0-9]*)>/.exec(this.chars.slice(this.i).join(''));
        if (!name || inClass) this.fail(start, "a '\\k' that is not a named back reference \\k<name>");
        this.i += name[0].length;
        return `\\k${name[0]}`;
      }
      default:
        if (/[1-9]/.test(ch) && !inClass) return `\\${ch}`;
        if (UNSUPPORTED_ESCAPES[ch]) this.fail(start, `${UNSUPPORTED_ESCAPES[ch]} is not supported`);
        return this.fail(start, `the escape '\\${ch}', which Pattern does not define`);
    }
  }

  private octal(start: number): string {
    const digits = /^[0-3]?[0-7]{1,2}/.exec(this.chars.slice(this.i, this.i + 3).join(''));
    if (!digits) this.fail(start, "an octal escape '\\0' without octal digits");
    this.i += digits[0].length;
    return codePoint(Number.parseInt(digits[0], 8));
  }

  private hex(start: number): string {
    if (this.chars[this.i] === '{') {
      const close = this.chars.indexOf('}', this.i);
      const hex = close < 0 ? '' : this.chars.slice(this.i + 1, close).join('');
      if (!/^[0-9a-fA-F]{1,6}$/.test(hex) || Number.parseInt(hex, 16) > 0x10ffff) {
        this.fail(start, "a '\\x{…}' escape that is not a code point");
      }
      this.i = close + 1;
      return codePoint(Number.parseInt(hex, 16));
    }
    const hex = this.chars.slice(this.i, this.i + 2).join('');
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) this.fail(start, "a '\\x' escape without two hex digits");
    this.i += 2;
    return `\\x${hex}`;
  }

  private quoted(inClass: boolean): string {
    let text = '';
    while (this.i < this.chars.length) {
      if (this.chars[this.i] === '\\' && this.chars[this.i + 1] === 'E') {
        this.i += 2;
        break;
      }
      text += literal(this.chars[this.i++]!, inClass);
    }
    return text;
  }

  private posix(start: number, negated: boolean, inClass: boolean): string {
    let name = this.chars[this.i] ?? '';
    if (name === '{') {
      const close = this.chars.indexOf('}', this.i);
      if (close < 0) this.fail(start, "an unclosed '\\p{'");
      name = this.chars.slice(this.i + 1, close).join('');
      this.i = close + 1;
    } else {
      this.i++;
    }
    const category = /^(?:Is|gc=|general_category=)?([LMNPSZC][a-z]?)$/.exec(name)?.[1];
    if (category && GENERAL_CATEGORIES.has(category)) {
      // A Unicode general category means the same in both engines (up to the Unicode version each ships).
      return `\\${negated ? 'P' : 'p'}{${category}}`;
    }
    const contents = POSIX_CLASSES[name];
    if (!contents) {
      this.fail(
        start,
        `the property class '\\${negated ? 'P' : 'p'}{${name}}' (only POSIX classes such as \\p{Alpha} and general categories such as \\p{Lu} are supported)`,
      );
    }
    if (inClass && negated) this.fail(start, `'\\P{${name}}' inside a character class`);
    if (inClass) return contents;
    return negated ? `[^${contents}]` : `[${contents}]`;
  }

  private characterClass(start: number): void {
    let body = '';
    if (this.chars[this.i] === '^') {
      body += '^';
      this.i++;
    }
    if (this.chars[this.i] === ']') this.fail(start, "a character class that starts with ']'");
    for (;;) {
      const at = this.i;
      const ch = this.chars[this.i++];
      if (ch === undefined) this.fail(start, 'an unclosed character class');
      if (ch === ']') break;
      if (ch === '[') this.fail(at, "a nested character class (union '[a[b]]')");
      if (ch === '&' && this.chars[this.i] === '&') this.fail(at, "a character class intersection '&&'");
      if (ch === '\\') body += this.escape(at, true);
      else if (ch === '-') body += '-';
      else body += ch === '/' ? '\\/' : ch;
    }
    this.out += `[${body}]`;
  }
}

const compiled = new Map<string, RegExp>();
// Resolver code passes a handful of constant patterns; the bound keeps a hostile stream of patterns from
// growing the cache without end.
const CACHE_MAX = 256;

/**
 * Compiles a Java `Pattern` to a JavaScript `RegExp` that matches the whole input, as `Pattern.matches`.
 * Throws `JavaPatternError` naming any construct that cannot be matched as Java would.
 *
 * @example javaPatternMatcher('a*b').test('aaaaab'); // true
 */
export function javaPatternMatcher(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (!regex) {
    regex = new RegExp(`^(?:${new Translator(pattern).translate()})$`, 'u');
    if (compiled.size >= CACHE_MAX) compiled.clear();
    compiled.set(pattern, regex);
  }
  return regex;
}
