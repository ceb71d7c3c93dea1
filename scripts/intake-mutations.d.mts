export interface Random {
  int(n: number): number
  next(): number
  pick<T>(list: readonly T[]): T
}

export function random(seed: number): Random
export function caseSeeds(dir: string): Buffer[]
export function mutate(rng: Random, seeds: readonly Buffer[]): Buffer
