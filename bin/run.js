#!/usr/bin/env node
import {execute} from '../dist/cli/main.js'

await execute({dir: import.meta.url})
