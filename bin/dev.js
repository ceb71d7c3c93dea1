#!/usr/bin/env node
// CommonJS, as bin/package.json says; oclif reads the package root's package.json, not the one here.
const {join} = require('node:path')

import('@oclif/core').then(({execute}) => execute({development: true, dir: join(__dirname, '..')}))
