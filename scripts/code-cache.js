// Makes the V8 code cache that bin/run.js loads the direct setup with (lib/cli/code-cache.js). It runs in a process
// of its own: the cache holds what the bundle's top level and its `warmUp` compile, and neither must run in the
// build's own process.
import {readFileSync, renameSync, writeFileSync} from 'node:fs'
import {resolve} from 'node:path'
import {Script} from 'node:vm'

import {cacheContent, runCommonJs, wrapCommonJs} from '../lib/cli/code-cache.js'

const file = resolve(process.argv[2])
const source = readFileSync(file, 'utf8')
const script = new Script(wrapCommonJs(source), {filename: file})
await runCommonJs(script, file).exports.warmUp?.()
const content = cacheContent(source, script.createCachedData())
writeFileSync(`${file}.cache.tmp`, content)
renameSync(`${file}.cache.tmp`, `${file}.cache`)
console.error(`${file}.cache: ${Math.round(content.length / 1024)} KiB`)
