/**
 * Command-line flags: `--name value` or `--name=value`, declared once with their type, default and
 * help. Unknown flags, missing values and values of the wrong type are errors naming the flag.
 */
import * as E from 'fp-ts/lib/Either.js'

/** A flag's declaration. */
export type Flag =
  | {
      readonly kind: 'number'
      readonly default: number
      readonly help: string
      readonly min?: number
      readonly integer?: boolean
    }
  | { readonly kind: 'string'; readonly default: string; readonly help: string }
  | { readonly kind: 'choice'; readonly default: string; readonly help: string; readonly choices: readonly string[] }
  | { readonly kind: 'optional'; readonly help: string }

/** Declarations by flag name (camelCase names map to --kebab-case flags). */
export type Flags = Readonly<Record<string, Flag>>

/** The parsed values of a declaration. */
export type Parsed<F extends Flags> = {
  readonly [K in keyof F]: F[K] extends { kind: 'number' }
    ? number
    : F[K] extends { kind: 'optional' }
      ? string | undefined
      : string
}

/** The flag spelling of a declaration's name: `maxChars` → `max-chars`. */
export const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)

/** Help text for a command. */
export const usage = (command: string, summary: string, flags: Flags): string => {
  const rows = Object.entries(flags).map(([name, f]) => {
    const def = f.kind === 'optional' ? '' : ` (default ${JSON.stringify(f.default)})`
    const choices = f.kind === 'choice' ? ` one of ${f.choices.join(', ')};` : ''
    return `  --${kebab(name).padEnd(16)} ${f.help};${choices}${def}`
  })
  return `usage: recur ${command} [flags]\n\n${summary}\n\nflags:\n${rows.join('\n')}\n  --help             show this help`
}

/** Parses `argv` against `flags`; `Left` is a one-line message naming the flag. */
export const parse = <F extends Flags>(command: string, flags: F, argv: readonly string[]): E.Either<string, Parsed<F>> => {
  const byFlag = new Map(Object.keys(flags).map((n) => [kebab(n), n] as const))
  const values: Record<string, number | string | undefined> = {}
  for (const [name, f] of Object.entries(flags)) values[name] = f.kind === 'optional' ? undefined : f.default
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (!arg.startsWith('--')) return E.left(`recur ${command}: unexpected argument '${arg}' (flags look like --name value)`)
    const [flag = '', inline] = arg.slice(2).split(/=(.*)/s, 2)
    const name = byFlag.get(flag)
    const decl = name === undefined ? undefined : flags[name]
    if (name === undefined || decl === undefined)
      return E.left(`recur ${command}: unknown flag --${flag} (see recur ${command} --help)`)
    const raw = inline ?? argv[++i]
    if (raw === undefined) return E.left(`recur ${command}: --${flag} needs a value`)
    if (decl.kind === 'number') {
      const v = Number(raw)
      if (raw.trim() === '' || !Number.isFinite(v)) return E.left(`recur ${command}: --${flag} must be a number, got '${raw}'`)
      if (decl.integer === true && !Number.isInteger(v))
        return E.left(`recur ${command}: --${flag} must be an integer, got '${raw}'`)
      if (decl.min !== undefined && v < decl.min)
        return E.left(`recur ${command}: --${flag} must be at least ${decl.min}, got '${raw}'`)
      values[name] = v
    } else if (decl.kind === 'choice') {
      if (!decl.choices.includes(raw))
        return E.left(`recur ${command}: --${flag} must be one of ${decl.choices.join(', ')}, got '${raw}'`)
      values[name] = raw
    } else {
      values[name] = raw
    }
  }
  return E.right(values as Parsed<F>)
}
