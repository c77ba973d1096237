#!/usr/bin/env node
/**
 * The `recur` command line: `train`, `sample`, `evaluate`. Every error is one line on stderr and a
 * non-zero exit code.
 */
import { evaluate } from './evaluate.js'
import { sample } from './sampleCommand.js'
import { train } from './train.js'

const help = `usage: recur <command> [flags]

commands:
  train      train a character-level language model on the names data (progress, metrics, plot, checkpoints, samples)
  sample     sample names from a checkpoint
  evaluate   validation bits per character of a checkpoint

recur <command> --help shows the flags of a command.`

const commands: Readonly<Record<string, (argv: readonly string[]) => number>> = { train, sample, evaluate }

const main = (argv: readonly string[]): number => {
  const [command, ...rest] = argv
  if (command === undefined || command === '--help' || command === 'help') {
    process.stdout.write(`${help}\n`)
    return command === undefined ? 2 : 0
  }
  const run = commands[command]
  if (run === undefined) {
    process.stderr.write(`recur: unknown command '${command}' (commands: train, sample, evaluate)\n`)
    return 2
  }
  try {
    return run(rest)
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e)
    process.stderr.write(`\nrecur ${command}: ${message.replace(/^recur \w+: /, '').split('\n')[0]}\n`)
    return 1
  }
}

process.exitCode = main(process.argv.slice(2))
